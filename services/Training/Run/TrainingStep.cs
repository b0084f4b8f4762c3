using Refinery.Modeling.Llama;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Refinery.Training.Run;

/// <summary>The compute of one optimizer step, apart from where its windows come from: micro-batches of windows
/// (context + 1 ids: inputs and their next-token targets) through the model, cross-entropy, gradients accumulated,
/// clipped to a norm, and one AdamW update. The trainer feeds it a job's data; `refinery bench train` feeds it random ids.</summary>
public sealed class TrainingStep : IDisposable
{
    private readonly LlamaModel _model;
    private readonly Parameter[] _parameters;
    private readonly Device _device;

    public TrainingStep(LlamaModel model, double beta1, double beta2, double epsilon, double weightDecay, string device = "cpu")
    {
        _model = model;
        _device = torch.device(device);
        if (_device.type != DeviceType.CPU) model.to(_device);
        var named = model.named_parameters().ToList();
        _parameters = named.Select(p => p.parameter).ToArray();
        Optimizer = new AdamW(named.Select(p => (p.name, (Tensor)p.parameter)), beta1, beta2, epsilon, weightDecay);
    }

    public AdamW Optimizer { get; }
    public Device Device => _device;

    /// <summary>Zeroes the gradients before a step's first micro-batch.</summary>
    public void Begin()
    {
        _model.train();
        foreach (var p in _parameters) p.grad?.zero_();
    }

    /// <summary>Forward and backward of one micro-batch of <paramref name="rows"/> windows laid end to end in
    /// <paramref name="windows"/>; the loss is scaled by 1/<paramref name="accumulation"/> so the step's gradient is the
    /// mean over its micro-batches. Returns the micro-batch's mean loss in nats per token.</summary>
    public float Accumulate(long[] windows, int rows, int context, int accumulation)
    {
        using var scope = NewDisposeScope();
        var batch = tensor(windows, [rows, context + 1], device: _device);
        var (inputs, targets) = (batch[.., ..^1], batch[.., 1..]);
        var logits = _model.forward(inputs);
        var loss = nn.functional.cross_entropy(logits.reshape(-1, logits.shape[^1]), targets.reshape(-1));
        (loss / accumulation).backward();
        return loss.item<float>();
    }

    /// <summary>Clips the gradients to <paramref name="clipNorm"/> (0: no clipping) and updates the weights at
    /// <paramref name="rate"/>; returns the gradient norm before clipping.</summary>
    public double Finish(double rate, double clipNorm)
    {
        double norm;
        using (no_grad())
            norm = clipNorm > 0 ? nn.utils.clip_grad_norm_(_parameters, clipNorm) : TotalNorm();
        Optimizer.Step(rate);
        return norm;
    }

    private double TotalNorm()
    {
        using var scope = NewDisposeScope();
        var sum = zeros(1, device: _device);
        foreach (var p in _parameters)
            if (p.grad is { } g) sum += g.pow(2).sum();
        return Math.Sqrt(sum.item<float>());
    }

    public void Dispose() => Optimizer.Dispose();
}
