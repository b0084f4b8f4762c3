using System.Text.Json;
using Refinery.Contracts.Training;
using Refinery.Host.Cli;
using Xunit;

namespace Refinery.Host.Tests.Cli;

/// <summary>`refinery train`'s parsing and the request it builds: the same request a client posting the contract's JSON
/// would send (so the same job id), the contract's defaults for what is left out, and its refusals.</summary>
public sealed class TrainCommandTests
{
    private static (SubmitTrainingJob? Request, string? Error) Build(params string[] args)
    {
        var options = new TrainOptions();
        var command = new System.CommandLine.Command("train");
        foreach (var option in options.All) command.Options.Add(option);
        var parsed = command.Parse(args);
        Assert.Empty(parsed.Errors);
        return options.Build(parsed);
    }

    [Fact]
    public void CurriculumStages_HyperparametersAndModel_MakeTheRequestTheyName()
    {
        var (request, error) = Build("--data", "web@0123456789ab:200k", "--stage", "code@ba9876543210", "--tokens", "1.5M", "--preset", "small",
            "--layers", "3", "--lr", "1e-3", "--min-lr", "1e-4", "--warmup", "20", "--schedule", "linear", "--micro-batch", "4", "--accumulate", "2",
            "--weight-decay", "0.05", "--clip", "0.5", "--seed", "9", "--threads", "1", "--progress-every", "5", "--eval-every", "50",
            "--eval-tokens", "4096", "--checkpoint-every", "25", "--keep-checkpoints", "3", "--model-name", "small-web");

        Assert.Null(error);
        var expected = new SubmitTrainingJob
        {
            Kind = TrainingKind.Pretrain, ModelName = "small-web", Model = new ModelSpec { Preset = ModelPreset.Small, Layers = 3 },
            Stages =
            [
                new TrainingStage { Dataset = "web", Version = "0123456789ab", Tokens = 200_000 },
                new TrainingStage { Dataset = "code", Version = "ba9876543210", Tokens = 1_500_000 },
            ],
            Hyperparameters = new TrainingHyperparameters
            {
                LearningRate = 1e-3, MinLearningRate = 1e-4, WarmupSteps = 20, Schedule = LearningRateSchedule.Linear, MicroBatch = 4,
                GradientAccumulation = 2, WeightDecay = 0.05, ClipNorm = 0.5, Seed = 9, Threads = 1,
            },
            Intervals = new TrainingIntervals { ProgressEverySteps = 5, EvaluateEverySteps = 50, EvaluationTokens = 4096, CheckpointEverySteps = 25, KeepCheckpoints = 3 },
        };
        Assert.Equal(expected.Stages, request!.Stages);
        Assert.Equal(expected with { Stages = request.Stages }, request);
        Assert.Equal(TrainingRequests.JobId(expected), TrainingRequests.JobId(request));
    }

    [Fact]
    public void APresetAlone_AsksForThatModel_AndAnUnknownOneIsAnErrorListingThePresets()
    {
        var (request, error) = Build("--data", "web@0123456789ab:1000", "--preset", "reference");
        var command = new System.CommandLine.Command("train");
        foreach (var option in new TrainOptions().All) command.Options.Add(option);
        var unknown = command.Parse(["--data", "web@0123456789ab:1000", "--preset", "huge"]);

        Assert.Null(error);
        Assert.Equal(new ModelSpec { Preset = ModelPreset.Reference }, request!.Model);
        Assert.Equal("--preset 'huge' is not one of tiny, small, reference", Assert.Single(unknown.Errors).Message);
    }

    [Fact]
    public void WhatIsLeftOut_KeepsTheContractsDefaults_SoTheJobIsTheOneTheBarestJsonNames()
    {
        var (request, error) = Build("--data", "web@0123456789ab:1000");

        Assert.Null(error);
        Assert.Null(request!.Model);
        Assert.Equal(new TrainingHyperparameters(), request.Hyperparameters);
        Assert.Equal(new TrainingIntervals(), request.Intervals);
        // What the gateway reads from the bare JSON a client posts (missing parts take the record's defaults).
        var posted = JsonSerializer.Deserialize<SubmitTrainingJob>("""{"stages":[{"dataset":"web","version":"0123456789ab","tokens":1000}]}""",
            TrainingClient.Json)!;
        Assert.Equal(TrainingRequests.JobId(posted), TrainingRequests.JobId(request));
    }

    [Fact]
    public void FromJob_MakesAContinueJob_AndAnExplicitKindStays()
    {
        var (continued, _) = Build("--data", "web@0123456789ab:1k", "--from-job", "00000000abcd");
        var (tuned, _) = Build("--data", "web@0123456789ab:1k", "--kind", "finetune", "--from-folder", "models/llama/");

        Assert.Equal((TrainingKind.Continue, "00000000abcd"), (continued!.Kind, continued.BaseModel!.Job));
        Assert.Equal((TrainingKind.Finetune, "models/llama/"), (tuned!.Kind, tuned.BaseModel!.Folder));
    }

    [Theory]
    [InlineData("--data web", "--data web: expected DATASET@VERSION[:TOKENS]")]
    [InlineData("--data web@0123456789ab", "(or give --tokens)")]
    [InlineData("--data web@0123456789ab:lots", "--data web@0123456789ab:lots")]
    [InlineData("--data web@0123456789ab --tokens 0", "--tokens 0")]
    [InlineData("--tokens 10", "name at least one stage")]
    [InlineData("--data web@v1:10", "stages[0].version")]
    [InlineData("--data web@0123456789ab:10 --lr nan", "hyperparameters.learningRate")]
    [InlineData("--data web@0123456789ab:10 --kind pretrain --from-job 00000000abcd", "baseModel")]
    [InlineData("--data web@0123456789ab:10 --heads 3", "model.heads")]
    public void ARequestThatCannotBe_IsRefusedNamingWhy(string args, string expected)
    {
        var (request, error) = Build(args.Split(' '));

        Assert.Null(request);
        Assert.Contains(expected, error);
    }

    [Theory]
    [InlineData("500000", 500_000L)]
    [InlineData("200k", 200_000L)]
    [InlineData("1.5M", 1_500_000L)]
    [InlineData("2G", 2_000_000_000L)]
    [InlineData("0.5", null)]
    [InlineData("-3", null)]
    [InlineData("k", null)]
    [InlineData("", null)]
    public void Tokens_TakeASuffix(string text, long? expected) => Assert.Equal(expected, TrainOptions.ParseTokens(text));

    [Fact]
    public void StatusCancelAndList_AreSubcommands_WithTheirJobId()
    {
        var command = TrainCommand.Create();

        var status = command.Parse(["status", "0123456789ab", "--points", "50", "--api", "http://localhost:5000"]);
        var cancel = command.Parse(["cancel", "0123456789ab"]);

        Assert.Empty(status.Errors);
        Assert.Equal(("status", "0123456789ab", (int?)50), (status.CommandResult.Command.Name, status.GetValue<string>("id"), status.GetValue<int?>("--points")));
        Assert.Empty(cancel.Errors);
        Assert.Equal("cancel", cancel.CommandResult.Command.Name);
        Assert.Empty(command.Parse(["list", "--status", "running"]).Errors);
    }

    [Fact]
    public void TheProgressLine_ShowsStepLossBitsPerByteRateSpeedAndEta()
    {
        var line = TrainingReport.ProgressLine(new TrainingJobProgressed
        {
            JobId = "0123456789ab", Step = 120, TotalSteps = 1000, Stage = 0, Tokens = 491_520, Loss = 3.41249, BitsPerByte = 1.2345,
            LearningRate = 0.0029, GradientNorm = 0.7, TokensPerSecond = 4096.4, EtaSeconds = 312, ValidationBitsPerByte = 1.5, At = DateTimeOffset.UtcNow,
        });

        Assert.Equal("step 120/1,000  loss 3.412  1.234 bits/byte  lr 2.90e-03  4,096 tok/s  ETA 5m12s  validation 1.500 bits/byte", line);
    }

    [Fact]
    public void TheSummary_OfACompletedJob_NamesTheModelFolderAndValidationBitsPerByte()
    {
        var job = JsonDocument.Parse("""
            {"jobId":"0123456789ab","status":"completed","step":100,"totalSteps":100,"tokens":409600,"parameters":123456,
             "validationLoss":2.5,"validationBitsPerByte":1.25,
             "model":{"folder":"training/0123456789ab/model/","weights":{"key":"w"},"lineage":{"key":"training/0123456789ab/lineage.json"},
                      "finalLoss":2.4,"seconds":83}}
            """).RootElement;

        var lines = TrainingReport.Summary(job).ToList();

        Assert.Equal("job 0123456789ab completed: 100 steps, 409,600 tokens, 123,456 parameters in 1m23s", lines[0]);
        Assert.Equal("validation: 1.250 bits/byte (loss 2.500 nats/token); final training loss 2.400", lines[1]);
        Assert.Equal("model: training/0123456789ab/model/", lines[2]);
    }

    [Theory]
    [InlineData("""{"status":400,"errors":{"stages[0].version":["a version is 12 lower-case hex digits"],"hyperparameters.learningRate":["must be in (0, 10]"]}}""",
        "stages[0].version: a version is 12 lower-case hex digits; hyperparameters.learningRate: must be in (0, 10]")]
    [InlineData("""{"status":404,"detail":"no training job 0123456789ab has been submitted to or announced on this gateway"}""",
        "no training job 0123456789ab has been submitted to or announced on this gateway")]
    [InlineData("<html>bad gateway</html>", "<html>bad gateway</html>")]
    [InlineData("""{"errors":{"id":"not a list"}}""", """{"errors":{"id":"not a list"}}""")]
    public void ARefusal_IsShownAsTheFieldsOrDetailOfItsProblem(string body, string expected) =>
        Assert.Equal(expected, TrainingClient.ProblemText(body));
}
