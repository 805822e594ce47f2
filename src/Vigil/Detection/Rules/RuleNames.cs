using Vigil.Banks;

namespace Vigil.Detection.Rules;

/// <summary>The snake_case names rule files use for enums.</summary>
internal static class RuleNames
{
    public static readonly IReadOnlyDictionary<string, ItemType> ItemTypes = new Dictionary<string, ItemType>(StringComparer.Ordinal)
    {
        ["post"] = ItemType.Post,
        ["comment"] = ItemType.Comment,
        ["direct_message"] = ItemType.DirectMessage,
        ["image"] = ItemType.Image,
        ["video"] = ItemType.Video,
        ["profile"] = ItemType.Profile,
    };

    public static readonly IReadOnlyDictionary<string, SignalType> SignalTypes = new Dictionary<string, SignalType>(StringComparer.Ordinal)
    {
        ["pdq"] = SignalType.Pdq,
        ["md5"] = SignalType.Md5,
        ["sha256"] = SignalType.Sha256,
        ["text_exact"] = SignalType.TextExact,
        ["text_minhash"] = SignalType.TextMinHash,
        ["text_embedding"] = SignalType.TextEmbedding,
    };

    public static readonly IReadOnlyDictionary<string, ActionKind> Actions = new Dictionary<string, ActionKind>(StringComparer.Ordinal)
    {
        ["review"] = ActionKind.Review,
        ["remove"] = ActionKind.Remove,
        ["restrict"] = ActionKind.Restrict,
        ["suspend_account"] = ActionKind.SuspendAccount,
        ["preserve_evidence"] = ActionKind.PreserveEvidence,
        ["refer"] = ActionKind.Refer,
    };

    public static string ItemTypeName(ItemType t) => ItemTypes.First(p => p.Value == t).Key;
}
