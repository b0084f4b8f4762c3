using Refinery.Contracts.Curation;

namespace Refinery.Hosting.Tests;

public sealed class MixtureBudgetTests
{
    private static readonly Dictionary<string, long> Tokens = new() { ["web"] = 1_000, ["code"] = 300 };

    private static CreateDatasetMixture Mixture(long budget) => new()
    {
        Dataset = "blend", TokenBudget = budget,
        Components = [new MixtureComponent("web", "0123456789ab", 3), new MixtureComponent("code", "ba9876543210", 1)],
    };

    [Fact]
    public void EveryShareWithinTheEpochLimit_Fits_AndOneTokenMoreOfTheTightestShareDoesNot()
    {
        // code takes a quarter: 4 epochs of its 300 tokens allow a budget of 4,800; web (three quarters) would allow 5,333.
        Assert.Null(DatasetRequests.BudgetProblem(Mixture(4_800), c => Tokens[c.Dataset], maxEpochs: 4));
        var problem = DatasetRequests.BudgetProblem(Mixture(4_804), c => Tokens[c.Dataset], maxEpochs: 4);
        Assert.NotNull(problem);
        Assert.StartsWith("code@ba9876543210's share is 1,201 tokens, more than 4 epochs of its 300 training tokens", problem);
        Assert.EndsWith("(at most 4,800 tokens)", problem);
    }

    [Fact]
    public void AComponentWithNoTrainingTokens_CannotTakeAShare() =>
        Assert.Contains("more than 16 epochs of its 0 training tokens",
            DatasetRequests.BudgetProblem(Mixture(10), c => c.Dataset == "code" ? 0 : 1_000, DatasetRequests.DefaultMaxMixtureEpochs));
}
