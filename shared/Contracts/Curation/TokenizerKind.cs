using System.Text.Json.Serialization;
using Refinery.Contracts.Options;

namespace Refinery.Contracts.Curation;

/// <summary>How a dataset version's documents become tokens: GPT-2's byte-level BPE, or one token per UTF-8 byte.</summary>
[JsonConverter(typeof(OptionValueJsonConverter))]
public enum TokenizerKind { Gpt2, Bytes }
