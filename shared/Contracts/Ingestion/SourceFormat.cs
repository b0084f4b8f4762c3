using System.Text.Json.Serialization;
using Refinery.Contracts.Options;

namespace Refinery.Contracts.Ingestion;

/// <summary>How a raw source is read: JSON lines, Parquet, WARC (HTML → main text), WET (extracted text) or plain text.</summary>
[JsonConverter(typeof(OptionValueJsonConverter))]
public enum SourceFormat { Jsonl, Parquet, Warc, Wet, Text }
