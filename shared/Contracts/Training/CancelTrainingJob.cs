namespace Refinery.Contracts.Training;

/// <summary>Command: stop a training job at its next step, with a final checkpoint. A job not yet started is cancelled
/// before its first step; a finished one is not changed.</summary>
public sealed record CancelTrainingJob
{
    public required string JobId { get; init; }
    public Guid? RequestId { get; init; }
}
