using System.Text.Json.Serialization;
using Refinery.Contracts.Options;

namespace Refinery.Contracts.Training;

/// <summary>What a training job starts from: random weights (<c>pretrain</c>), or a model it goes on training on new
/// data (<c>continue</c>, continual pretraining, usually through curriculum stages) or on task data (<c>finetune</c>, a
/// full-parameter fine-tune).</summary>
[JsonConverter(typeof(OptionValueJsonConverter))]
public enum TrainingKind { Pretrain, Continue, Finetune }

/// <summary>How a stage's learning rate moves after its warm-up: cosine decay to the minimum, linear decay to it, or
/// constant.</summary>
[JsonConverter(typeof(OptionValueJsonConverter))]
public enum LearningRateSchedule { Cosine, Linear, Constant }
