using System.Text.Json;
using System.Text.Json.Serialization;

namespace Refinery.Contracts.Options;

/// <summary>The one JSON convention for the contracts' option enums: a value is its <see cref="OptionValues{TEnum}"/>
/// name as a string, and anything else (another string, a number) fails with a message listing the allowed names.
/// Each enum carries it as an attribute, so every serializer follows it; <see cref="ContractJson.Configure"/> also puts
/// it first in the bus's and the gateway's options, ahead of any enum converter those add.</summary>
public sealed class OptionValueJsonConverter : JsonConverterFactory
{
    public override bool CanConvert(Type typeToConvert) =>
        typeToConvert.IsEnum && typeToConvert.Assembly == typeof(OptionValueJsonConverter).Assembly;

    public override JsonConverter CreateConverter(Type typeToConvert, JsonSerializerOptions options) =>
        (JsonConverter)Activator.CreateInstance(typeof(Converter<>).MakeGenericType(typeToConvert))!;

    private sealed class Converter<TEnum> : JsonConverter<TEnum> where TEnum : struct, Enum
    {
        public override TEnum Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            var name = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
            if (OptionValues<TEnum>.TryParse(name, out var value)) return value;
            var given = name is null ? $"a JSON {reader.TokenType.ToString().ToLowerInvariant()}" : $"'{name}'";
            throw new JsonException($"{given} is not {OptionValues<TEnum>.Expected}");
        }

        public override void Write(Utf8JsonWriter writer, TEnum value, JsonSerializerOptions options) =>
            writer.WriteStringValue(OptionValues<TEnum>.NameOf(value));
    }
}

/// <summary>The contracts' JSON settings that serializers outside them (the bus, the gateway) add to their own.</summary>
public static class ContractJson
{
    /// <summary>Puts the converter first in <paramref name="options"/>. Options already used (read-only) are left as they
    /// are: MassTransit's are process-wide, and a test process may have serialized with them before a host configured its
    /// bus; the enums' own attribute still applies there, as long as those options hold no other enum converter.</summary>
    public static JsonSerializerOptions Configure(JsonSerializerOptions options)
    {
        if (options.IsReadOnly || options.Converters.Any(c => c is OptionValueJsonConverter)) return options;
        options.Converters.Insert(0, new OptionValueJsonConverter());
        return options;
    }
}
