using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Vigil.Tests.Desk;

/// <summary>
/// Checks a statement of reasons against the DSA Transparency Database API documentation ("API and Schema": the
/// statement attributes, their allowed values, conditional requirements and limits), written independently of the exporter.
/// </summary>
internal static partial class DsaStatementValidator
{
    private static readonly HashSet<string> Visibility = ["DECISION_VISIBILITY_CONTENT_REMOVED", "DECISION_VISIBILITY_CONTENT_DISABLED", "DECISION_VISIBILITY_CONTENT_DEMOTED",
        "DECISION_VISIBILITY_CONTENT_AGE_RESTRICTED", "DECISION_VISIBILITY_CONTENT_INTERACTION_RESTRICTED", "DECISION_VISIBILITY_CONTENT_LABELLED", "DECISION_VISIBILITY_OTHER"];
    private static readonly HashSet<string> Monetary = ["DECISION_MONETARY_SUSPENSION", "DECISION_MONETARY_TERMINATION", "DECISION_MONETARY_OTHER"];
    private static readonly HashSet<string> Provision = ["DECISION_PROVISION_PARTIAL_SUSPENSION", "DECISION_PROVISION_TOTAL_SUSPENSION", "DECISION_PROVISION_PARTIAL_TERMINATION", "DECISION_PROVISION_TOTAL_TERMINATION"];
    private static readonly HashSet<string> Account = ["DECISION_ACCOUNT_SUSPENDED", "DECISION_ACCOUNT_TERMINATED"];
    private static readonly HashSet<string> Grounds = ["DECISION_GROUND_ILLEGAL_CONTENT", "DECISION_GROUND_INCOMPATIBLE_CONTENT"];
    private static readonly HashSet<string> ContentTypes = ["CONTENT_TYPE_APP", "CONTENT_TYPE_AUDIO", "CONTENT_TYPE_IMAGE", "CONTENT_TYPE_PRODUCT", "CONTENT_TYPE_SYNTHETIC_MEDIA", "CONTENT_TYPE_TEXT", "CONTENT_TYPE_VIDEO", "CONTENT_TYPE_OTHER"];
    private static readonly HashSet<string> Categories = ["STATEMENT_CATEGORY_ANIMAL_WELFARE", "STATEMENT_CATEGORY_DATA_PROTECTION_AND_PRIVACY_VIOLATIONS", "STATEMENT_CATEGORY_ILLEGAL_OR_HARMFUL_SPEECH",
        "STATEMENT_CATEGORY_INTELLECTUAL_PROPERTY_INFRINGEMENTS", "STATEMENT_CATEGORY_NEGATIVE_EFFECTS_ON_CIVIC_DISCOURSE_OR_ELECTIONS", "STATEMENT_CATEGORY_NON_CONSENSUAL_BEHAVIOUR",
        "STATEMENT_CATEGORY_PORNOGRAPHY_OR_SEXUALIZED_CONTENT", "STATEMENT_CATEGORY_PROTECTION_OF_MINORS", "STATEMENT_CATEGORY_RISK_FOR_PUBLIC_SECURITY", "STATEMENT_CATEGORY_SCAMS_AND_FRAUD",
        "STATEMENT_CATEGORY_SELF_HARM", "STATEMENT_CATEGORY_SCOPE_OF_PLATFORM_SERVICE", "STATEMENT_CATEGORY_UNSAFE_AND_ILLEGAL_PRODUCTS", "STATEMENT_CATEGORY_VIOLENCE"];
    private static readonly HashSet<string> Countries = ["AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR", "HU", "IE", "IS", "IT", "LI", "LT", "LU", "LV", "MT", "NL", "NO", "PL", "PT", "RO", "SE", "SI", "SK"];
    private static readonly HashSet<string> Sources = ["SOURCE_ARTICLE_16", "SOURCE_TRUSTED_FLAGGER", "SOURCE_TYPE_OTHER_NOTIFICATION", "SOURCE_VOLUNTARY"];
    private static readonly HashSet<string> YesNo = ["Yes", "No"];
    private static readonly HashSet<string> Automated = ["AUTOMATED_DECISION_FULLY", "AUTOMATED_DECISION_PARTIALLY", "AUTOMATED_DECISION_NOT_AUTOMATED"];

    /// <summary>Every problem found; empty when the statement would be accepted.</summary>
    public static List<string> Problems(IReadOnlyDictionary<string, JsonElement> s)
    {
        var p = new List<string>();
        string? Str(string k) => s.TryGetValue(k, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
        List<string>? Arr(string k) => s.TryGetValue(k, out var v) && v.ValueKind == JsonValueKind.Array ? [.. v.EnumerateArray().Select(e => e.ValueKind == JsonValueKind.String ? e.GetString()! : "<non-string>")] : null;
        void OneOf(string k, HashSet<string> allowed, bool required)
        {
            var v = Str(k);
            if (v is null)
            {
                if (required || s.ContainsKey(k))
                {
                    p.Add($"{k}: required string");
                }
            }
            else if (!allowed.Contains(v))
            {
                p.Add($"{k}: '{v}' not allowed");
            }
        }
        void Text(string k, int max, bool required)
        {
            var v = Str(k);
            if (v is null || v.Length == 0)
            {
                if (required)
                {
                    p.Add($"{k}: required text");
                }
            }
            else if (v.Length > max)
            {
                p.Add($"{k}: over {max} characters");
            }
        }
        var vis = Arr("decision_visibility");
        if (vis is not null && (vis.Count == 0 || vis.Any(v => !Visibility.Contains(v))))
        {
            p.Add("decision_visibility: an array of DECISION_VISIBILITY_* values");
        }
        OneOf("decision_monetary", Monetary, false);
        OneOf("decision_provision", Provision, false);
        OneOf("decision_account", Account, false);
        if (vis is null && Str("decision_monetary") is null && Str("decision_provision") is null && Str("decision_account") is null)
        {
            p.Add("one of decision_visibility, decision_monetary, decision_provision, decision_account is required");
        }
        Text("decision_facts", 5000, true);
        OneOf("decision_ground", Grounds, true);
        var ground = Str("decision_ground");
        Text("illegal_content_legal_ground", 500, ground == "DECISION_GROUND_ILLEGAL_CONTENT");
        Text("illegal_content_explanation", 2000, ground == "DECISION_GROUND_ILLEGAL_CONTENT");
        Text("incompatible_content_ground", 500, ground == "DECISION_GROUND_INCOMPATIBLE_CONTENT");
        Text("incompatible_content_explanation", 2000, ground == "DECISION_GROUND_INCOMPATIBLE_CONTENT");
        var types = Arr("content_type");
        if (types is null || types.Count == 0 || types.Any(t => !ContentTypes.Contains(t)))
        {
            p.Add("content_type: a non-empty array of CONTENT_TYPE_* values");
        }
        else if (types.Contains("CONTENT_TYPE_OTHER"))
        {
            Text("content_type_other", 500, true);
        }
        OneOf("category", Categories, true);
        var scope = Arr("territorial_scope");
        if (scope is null || scope.Count == 0 || scope.Any(c => !Countries.Contains(c)))
        {
            p.Add("territorial_scope: a non-empty array of EU/EEA 2-letter codes");
        }
        Date("content_date", new DateOnly(2000, 1, 1));
        Date("application_date", new DateOnly(2020, 1, 1));
        OneOf("source_type", Sources, true);
        OneOf("automated_detection", YesNo, true);
        OneOf("automated_decision", Automated, true);
        var puid = Str("puid");
        if (puid is null || puid.Length is 0 or > 500 || !PuidChars().IsMatch(puid))
        {
            p.Add("puid: required, at most 500 of a-z, A-Z, 0-9, '-', '_'");
        }
        return p;

        void Date(string k, DateOnly min)
        {
            var v = Str(k);
            if (v is null || !DateOnly.TryParseExact(v, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d))
            {
                p.Add($"{k}: required date YYYY-MM-DD");
            }
            else if (d < min)
            {
                p.Add($"{k}: before {min:yyyy-MM-dd}");
            }
        }
    }

    [GeneratedRegex("^[A-Za-z0-9_-]+$")]
    private static partial Regex PuidChars();
}
