using Refinery.Modeling.Llama;
using Refinery.Training.Data;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Refinery.Training.Run;

/// <summary>The compute of a training job: one optimizer step at a time over the plan's stages (micro-batches of
/// windows, gradients accumulated, clipped, AdamW at the stage's rate), and validation over the versions' held-out
/// parts. Everything it does is a function of the plan, the starting weights and <see cref="Position"/>, so a run
/// restored from a checkpoint goes on exactly as an uninterrupted run.</summary>
public sealed class Trainer : IDisposable
{
    private readonly TrainingPlan _plan;
    private readonly LlamaModel _model;
    private readonly TrainingStep _step;
    private readonly int[] _byteLengths;
    private readonly Func<DatasetVersionData, TokenStream> _trainStream;
    private readonly Func<DatasetVersionData, TokenStream?> _validationStream;
    private StageWindows? _windows;
    private TokenStream? _stream;
    private int _windowsStage = -1;
    private readonly long[] _batch;

    /// <param name="trainStream">Opens a version's training tokens (the caller has them local).</param>
    /// <param name="validationStream">Opens a version's validation tokens; null when it has none.</param>
    /// <param name="device">"cpu" or "cuda" (<c>Refinery:Training:Device</c>).</param>
    public Trainer(TrainingPlan plan, LlamaModel model, Func<DatasetVersionData, TokenStream> trainStream,
        Func<DatasetVersionData, TokenStream?> validationStream, string device = "cpu")
    {
        (_plan, _model, _trainStream, _validationStream) = (plan, model, trainStream, validationStream);
        var h = plan.Hyperparameters;
        _step = new TrainingStep(model, h.Beta1, h.Beta2, h.Epsilon, h.WeightDecay, device);
        _byteLengths = TokenByteLengths.For(plan.Tokenizer);
        _batch = new long[h.MicroBatch * (plan.Context + 1)];
    }

    public TrainingPosition Position { get; private set; } = new();
    public LlamaModel Model => _model;
    public AdamW Optimizer => _step.Optimizer;
    public bool Done => Position.Step >= _plan.TotalSteps;

    /// <summary>Puts the trainer where a checkpoint left it: its position and optimizer state (the weights are the
    /// model's, loaded by the caller).</summary>
    public void Restore(TrainingPosition position, IReadOnlyDictionary<string, Tensor> optimizerState)
    {
        _step.Optimizer.Load(optimizerState, position.Step);
        Position = position.Copy();
    }

    /// <summary>One optimizer step; returns its learning rate and gradient norm (before clipping).</summary>
    public (double Rate, double GradientNorm) Step()
    {
        if (Done) throw new InvalidOperationException("the job has taken all its steps");
        var h = _plan.Hyperparameters;
        var stage = _plan.StageOf(Position.Step);
        if (Position.Stage != stage.Index) (Position.Stage, Position.Draws) = (stage.Index, 0);
        var windows = WindowsOf(stage);
        var rate = stage.Rates.At(Position.Step - stage.FirstStep);
        var context = _plan.Context;

        _step.Begin();
        for (var micro = 0; micro < h.GradientAccumulation; micro++)
        {
            for (var row = 0; row < h.MicroBatch; row++)
                windows.Read(Position.Draws++, _batch.AsSpan(row * (context + 1), context + 1));
            var loss = _step.Accumulate(_batch, h.MicroBatch, context, h.GradientAccumulation);
            var targetCount = (long)h.MicroBatch * context;
            Position.PendingNats += loss * (double)targetCount;
            Position.PendingTargets += targetCount;
            Position.PendingBytes += TargetBytes(context);
        }
        var norm = _step.Finish(rate, h.ClipNorm);
        Position.Step++;
        Position.Tokens += _plan.TokensPerStep;
        return (rate, norm);
    }

    /// <summary>Closes the curve's current point at this step: the mean loss of the steps since the previous one.</summary>
    public CurvePoint ClosePoint(double rate, double gradientNorm, (double Loss, double BitsPerByte)? validation)
    {
        var p = Position;
        var loss = p.PendingTargets > 0 ? p.PendingNats / p.PendingTargets : double.NaN;
        var bitsPerByte = p.PendingBytes > 0 ? p.PendingNats / Math.Log(2) / p.PendingBytes : 0;
        var point = new CurvePoint(p.Step, p.Tokens, loss, bitsPerByte, rate, gradientNorm, validation?.Loss, validation?.BitsPerByte);
        (p.PendingNats, p.PendingTargets, p.PendingBytes) = (0, 0, 0);
        p.Curve.Add(point);
        return point;
    }

    /// <summary>Validation loss in nats per token and bits per byte over the first <see cref="Contracts.Training.TrainingIntervals.EvaluationTokens"/>
    /// of the versions' validation parts (an equal share from each, in order, the same windows every time).</summary>
    public (double Loss, double BitsPerByte) Validate()
    {
        var context = _plan.Context;
        var versions = _plan.Versions;
        var share = Math.Max(context, _plan.Intervals.EvaluationTokens / versions.Count);
        double nats = 0;
        long targets = 0, bytes = 0;
        _model.eval();
        using var _ = no_grad();
        var rows = new List<long>();
        foreach (var version in versions)
        {
            using var stream = _validationStream(version);
            if (stream is null || stream.Length <= 1) continue;
            var windows = Math.Max(1, Math.Min((stream.Length - 1) / context, share / context));
            var length = (int)Math.Min(context, stream.Length - 1);
            var window = new long[length + 1];
            for (long w = 0; w < windows; w++)
            {
                stream.Read(w * context, window);
                rows.AddRange(window);
                if (rows.Count / (length + 1) == _plan.Hyperparameters.MicroBatch) Score(rows, length, ref nats, ref targets, ref bytes);
            }
            if (rows.Count > 0) Score(rows, length, ref nats, ref targets, ref bytes);
        }
        return (nats / targets, nats / Math.Log(2) / Math.Max(1, bytes));
    }

    private void Score(List<long> rows, int length, ref double nats, ref long targets, ref long bytes)
    {
        using var scope = NewDisposeScope();
        var batch = tensor(rows.ToArray(), [rows.Count / (length + 1), length + 1], device: _step.Device);
        var (inputs, expected) = (batch[.., ..^1], batch[.., 1..]);
        var logits = _model.forward(inputs);
        var loss = nn.functional.cross_entropy(logits.reshape(-1, logits.shape[^1]), expected.reshape(-1), reduction: nn.Reduction.Sum);
        nats += loss.item<float>();
        targets += expected.numel();
        for (var r = 0; r < rows.Count; r++)
            if (r % (length + 1) != 0) bytes += _byteLengths[rows[r]];
        rows.Clear();
    }

    private long TargetBytes(int context)
    {
        long bytes = 0;
        for (var r = 0; r < _batch.Length; r++)
            if (r % (context + 1) != 0) bytes += _byteLengths[_batch[r]];
        return bytes;
    }

    private StageWindows WindowsOf(StagePlan stage)
    {
        if (_windowsStage == stage.Index) return _windows!;
        _stream?.Dispose();
        _stream = _trainStream(stage.Data);
        _windows = new StageWindows(_stream, _plan.Context, _plan.Hyperparameters.Seed, stage.Index);
        _windowsStage = stage.Index;
        return _windows;
    }

    public void Dispose()
    {
        _stream?.Dispose();
        _step.Dispose();
    }
}
