using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Refinery.Contracts.Options;

namespace Refinery.Hosting.Data;

/// <summary>Stores an option enum as its <see cref="OptionValues{TEnum}"/> name ("set", "gpt2"): the same text the
/// column held when the entity had a string, so no migration and no rewrite of existing rows.</summary>
public static class OptionValueConversion
{
    public static PropertyBuilder<TEnum> HasOptionValueConversion<TEnum>(this PropertyBuilder<TEnum> property) where TEnum : struct, Enum =>
        property.HasConversion(value => OptionValues<TEnum>.NameOf(value), name => OptionValues<TEnum>.Parse(name));
}
