namespace Refinery.Hosting.Bus;

/// <summary>Input that can never succeed: not retried; the consumer quarantines or fails it with this reason.</summary>
public sealed class PermanentFailureException(string reason, Exception? inner = null) : Exception(reason, inner);
