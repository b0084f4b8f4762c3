using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Refinery.Ingestion.Language;
using Refinery.Ingestion.Options;

namespace Refinery.Ingestion.Tests.Language;

/// <summary>Refinery:Ingestion:LanguageDetector binds from its name in any case, from settings or the environment.</summary>
public sealed class LanguageDetectorOptionTests
{
    [Fact]
    public void Default_IsFast() => Assert.Equal(LanguageDetectorKind.Fast, Bind(new ConfigurationBuilder()).LanguageDetector);

    [Theory]
    [InlineData("lingua", LanguageDetectorKind.Lingua)]
    [InlineData("Lingua", LanguageDetectorKind.Lingua)]
    [InlineData("fast", LanguageDetectorKind.Fast)]
    public void Setting_BindsByName(string value, LanguageDetectorKind expected)
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection([new("Refinery:Ingestion:LanguageDetector", value)]);

        Assert.Equal(expected, Bind(config).LanguageDetector);
    }

    [Fact]
    public void EnvironmentVariable_Binds()
    {
        const string name = "Refinery__Ingestion__LanguageDetector";
        Environment.SetEnvironmentVariable(name, "lingua");
        try
        {
            Assert.Equal(LanguageDetectorKind.Lingua, Bind(new ConfigurationBuilder().AddEnvironmentVariables()).LanguageDetector);
        }
        finally
        {
            Environment.SetEnvironmentVariable(name, null);
        }
    }

    [Fact]
    public void UnknownName_FailsAtStart()
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection([new("Refinery:Ingestion:LanguageDetector", "cld3")]);

        Assert.Throws<InvalidOperationException>(() => Bind(config));
    }

    [Fact]
    public void Fast_IsBuiltWithoutLinguasDetector()
    {
        var identifier = new LanguageIdentifier(["en", "de"], detector: LanguageDetectorKind.Fast);

        Assert.IsType<FastLanguageDetector>(identifier.Detector);
        Assert.Equal(["de", "en"], identifier.Languages);
        Assert.Equal("de", identifier.Identify("Alle Menschen sind frei und gleich an Würde und Rechten geboren.").Code);
    }

    // The registration's binding (IngestionServiceExtensions), without the rest of the service.
    private static IngestionOptions Bind(IConfigurationBuilder config)
    {
        var services = new ServiceCollection();
        services.AddOptions<IngestionOptions>().Bind(config.Build().GetSection(IngestionOptions.SectionName)).ValidateDataAnnotations();
        return services.BuildServiceProvider().GetRequiredService<IOptions<IngestionOptions>>().Value;
    }
}
