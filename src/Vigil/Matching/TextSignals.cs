using System.Diagnostics.CodeAnalysis;

namespace Vigil.Matching;

/// <summary>Adapter over the text signature library (filled in when it lands).</summary>
internal static class TextSignals
{
    public static bool TryParseMinHash(string s, [NotNullWhen(false)] out string? error)
    {
        error = s.StartsWith("mh1:", StringComparison.Ordinal) ? null : "a MinHash signature starts with 'mh1:'";
        return error is null;
    }
}
