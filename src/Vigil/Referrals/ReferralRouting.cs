using Microsoft.EntityFrameworkCore;
using Vigil.Authorities;
using Vigil.Storage;

namespace Vigil.Referrals;

/// <summary>Which routing rule chose a referral's authority.</summary>
public enum RoutingRule
{
    /// <summary>An authority of the threatened person's or the suspect's country.</summary>
    Country,

    /// <summary>The authority of the platform's state of establishment.</summary>
    Establishment,

    /// <summary>Europol, when no national authority is reachable.</summary>
    Europol,

    /// <summary>No reachable authority at all.</summary>
    None,
}

/// <summary>The chosen authority (null for <see cref="RoutingRule.None"/>) and why, in words.</summary>
public sealed record RoutingChoice(Authority? Authority, RoutingRule Rule, string Explanation);

/// <summary>
/// Chooses the competent authority for a referral among registered authorities that receive referrals, have a
/// referral endpoint and are not disabled: the referral's country, else the state of establishment, else Europol.
/// </summary>
public static class ReferralRouting
{
    public static async Task<RoutingChoice> ChooseAsync(VigilDb db, string? country, string establishmentCountry, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        var reachable = await db.Authorities.AsNoTracking()
            .Where(a => a.ReceivesReferrals && a.ReferralEndpoint != null && a.DisabledAt == null)
            .ToListAsync(ct);
        var establishment = (establishmentCountry ?? "").Trim().ToUpperInvariant();
        string why;
        if (country is { Length: 2 })
        {
            if (Best(reachable, country) is { } national)
            {
                return new RoutingChoice(national, RoutingRule.Country, $"country {country}: the threatened person's or the suspect's country");
            }
            why = $"no reachable authority for country {country}";
        }
        else
        {
            why = "no country named by the rule, the item or the moderator";
        }
        if (establishment.Length == 2 && !string.Equals(establishment, country, StringComparison.Ordinal) && Best(reachable, establishment) is { } home)
        {
            return new RoutingChoice(home, RoutingRule.Establishment, $"{why}; the platform's state of establishment {establishment} (Referrals:EstablishmentCountry)");
        }
        if (reachable.Where(a => a.Kind == AuthorityKind.Europol).OrderBy(a => a.Id).FirstOrDefault() is { } europol)
        {
            return new RoutingChoice(europol, RoutingRule.Europol, $"{why}; none for the state of establishment {establishment}; Europol");
        }
        return new RoutingChoice(null, RoutingRule.None, $"{why}; none for the state of establishment {establishment}; no Europol endpoint registered");
    }

    /// <summary>A country's authority, police first (they act on threats to life), then by registration order.</summary>
    private static Authority? Best(List<Authority> reachable, string country) =>
        reachable.Where(a => a.Kind != AuthorityKind.Europol && string.Equals(a.CountryCode, country, StringComparison.Ordinal))
            .OrderBy(a => a.Kind == AuthorityKind.Police ? 0 : 1).ThenBy(a => a.Id).FirstOrDefault();
}
