namespace Vigil.Banks.Exchanges;

/// <summary>The labels a hash list gives one signal.</summary>
public sealed record ExchangeLabels
{
    public string? Entity { get; init; }
    public string? Ideology { get; init; }
    public string? ContentType { get; init; }
    public int? Severity { get; init; }
    public double? Confidence { get; init; }
    public string? Tags { get; init; }
    public string? Source { get; init; }
    public DateTimeOffset? FirstSeen { get; init; }
    public bool Enabled { get; init; } = true;

    public static readonly ExchangeLabels None = new();
}

/// <summary>One signal read from (or written to) an exchange file, with where it stood in the file.</summary>
/// <param name="Line">1-based line of the record in its file (for error messages).</param>
public sealed record ExchangeRecord(
    int Line,
    SignalType Type,
    string Signal,
    ExchangeLabels Labels,
    bool Deleted = false,
    DateTimeOffset? UpdatedAt = null,
    string? SourceRef = null);

/// <summary>A parsed file: its records and, for paged sources, where the next page starts.</summary>
public sealed record ExchangeBatch(ExchangeFormat Format, IReadOnlyList<ExchangeRecord> Records, string? NextCursor = null, bool HasMore = false);

/// <summary>The formats peers exchange hash lists in.</summary>
public enum ExchangeFormat
{
    /// <summary>One signal per line: <c>&lt;signal_type&gt; &lt;signal&gt;</c> (Hasher-Matcher-Actioner's local files).</summary>
    Signals,

    /// <summary>Tech Against Terrorism hash-list JSON (<c>hash_digest</c>, <c>algorithm</c>, <c>ideology</c>, ...).</summary>
    Tat,

    /// <summary>GIFCT hash-sharing records (<c>indicator</c>, <c>type</c>, ..., paged by <c>next_page_token</c>).</summary>
    Gifct,

    /// <summary>CSV with a header row (<c>signal_type,signal,entity,...</c>).</summary>
    Csv,
}

/// <summary>A file that cannot be imported; names the file, the line and the field.</summary>
public sealed class ExchangeFormatException : Exception
{
    public ExchangeFormatException(string file, int line, string? field, string reason)
        : base(Describe(file, line, field, reason))
    {
        File = file;
        Line = line;
        Field = field;
        Reason = reason;
    }

    public ExchangeFormatException() : this("<input>", 0, null, "invalid exchange file") { }

    public ExchangeFormatException(string message) : this("<input>", 0, null, message) { }

    public ExchangeFormatException(string message, Exception inner) : base(message, inner)
    {
        File = "<input>";
        Reason = message;
    }

    public string File { get; }
    public int Line { get; }
    public string? Field { get; }
    public string Reason { get; }

    private static string Describe(string file, int line, string? field, string reason) =>
        line > 0
            ? field is null ? $"{file}:{line}: {reason}" : $"{file}:{line}: field '{field}': {reason}"
            : field is null ? $"{file}: {reason}" : $"{file}: field '{field}': {reason}";
}
