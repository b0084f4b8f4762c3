using System.Text.Json.Serialization;
using Refinery.Contracts.Options;

namespace Refinery.Contracts.Dedup;

/// <summary>How exact duplicates are found within a corpus: a hash set of keys partitioned by prefix, a Bloom filter
/// per partition (fixed memory; a few unique documents are wrongly marked), or not at all.</summary>
[JsonConverter(typeof(OptionValueJsonConverter))]
public enum ExactMode { Set, Bloom, None }

/// <summary>What makes two documents exact duplicates: the same RPv2-normalised text (the default, as RPv2's exact
/// dedup), the same raw text byte for byte, or the same URL (a document without one is never an exact duplicate).</summary>
[JsonConverter(typeof(OptionValueJsonConverter))]
public enum ExactKeyKind { Normalized, Raw, Url }
