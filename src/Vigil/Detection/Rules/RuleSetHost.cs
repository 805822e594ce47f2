namespace Vigil.Detection.Rules;

/// <summary>
/// Holds the rules in force and swaps in a new set only when the whole folder validates, so a bad
/// edit never leaves the platform without rules: the previous good set stays and the errors come back.
/// </summary>
public sealed class RuleSetHost(string folder)
{
    private RuleSet current = RuleSet.Empty;

    /// <summary>The folder rules are loaded from.</summary>
    public string Folder { get; } = folder;

    /// <summary>The rules in force; <see cref="RuleSet.Empty"/> until a load succeeds.</summary>
    public RuleSet Current => Volatile.Read(ref current);

    /// <summary>Loads the folder; on success the new set replaces the current one, on errors nothing changes.</summary>
    public RuleLoadResult TryReload()
    {
        var result = RuleSet.Load(Folder);
        if (result.Rules is { } rules)
        {
            Volatile.Write(ref current, rules);
        }
        return result;
    }
}
