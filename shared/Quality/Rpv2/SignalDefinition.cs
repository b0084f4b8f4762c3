namespace Refinery.Quality.Rpv2;

public enum SignalLevel { Document, Line }

/// <summary>How a value is written: RPv2 writes a few signals as Python ints, everything else as floats.</summary>
public enum SignalValueType { Float, Int }

/// <summary>One RPv2 quality signal: its exact name, whether it has one span or one per line, and its value type.
/// <see cref="Index"/> is its position in <see cref="DocumentSignals.Document"/> or <see cref="DocumentSignals.Lines"/>.</summary>
public sealed record SignalDefinition(string Name, SignalLevel Level, SignalValueType Type, int Index);
