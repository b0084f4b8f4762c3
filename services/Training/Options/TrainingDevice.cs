namespace Refinery.Training.Options;

/// <summary>Where a training process runs its steps (<c>Refinery:Training:Device</c>): "cpu", or "cuda" with a CUDA
/// build of libtorch (none is served here: documented, not tested).</summary>
public enum TrainingDevice { Cpu, Cuda }
