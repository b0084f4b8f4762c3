using System.Reflection;
using System.Text.Json;

namespace Refinery.Gateway.Events;

/// <summary>One event as the gateway streams it: type name, message id, the message as JSON, and the ids of what
/// it is about (corpus, job, model) for filtering.</summary>
public sealed record PlatformEvent(string Type, Guid MessageId, string Json, IReadOnlyDictionary<string, string> Subjects)
{
    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web);

    public static PlatformEvent From<T>(T message, Guid messageId) where T : class =>
        new(typeof(T).Name, messageId, JsonSerializer.Serialize(message, JsonOptions), EventSubjects<T>.Of(message));
}

/// <summary>Filter dimensions of the event stream: a query parameter and the contract property that feeds it.</summary>
public static class EventSubjectNames
{
    public static readonly IReadOnlyDictionary<string, string> PropertyOf = new Dictionary<string, string>
    {
        ["corpus"] = "CorpusId",
        ["job"] = "JobId",
        ["model"] = "ModelId",
    };

    /// <summary>The normal form of an id: a Guid in "D" form, anything else as given.</summary>
    public static string Normalize(string value) =>
        Guid.TryParse(value, out var guid) ? guid.ToString("D") : value;
}

internal static class EventSubjects<T> where T : class
{
    private static readonly (string Subject, PropertyInfo Property)[] Properties = EventSubjectNames.PropertyOf
        .Select(p => (p.Key, typeof(T).GetProperty(p.Value, BindingFlags.Public | BindingFlags.Instance)))
        .Where(p => p.Item2 is not null)
        .Select(p => (p.Key, p.Item2!))
        .ToArray();

    public static IReadOnlyDictionary<string, string> Of(T message)
    {
        var subjects = new Dictionary<string, string>(Properties.Length);
        foreach (var (subject, property) in Properties)
        {
            if (property.GetValue(message) is { } value && value.ToString() is { Length: > 0 } text)
                subjects[subject] = EventSubjectNames.Normalize(text);
        }
        return subjects;
    }
}
