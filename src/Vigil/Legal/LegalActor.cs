using System.Security.Claims;
using Vigil.Accounts;

namespace Vigil.Legal;

/// <summary>Who acts on an order: the signed-in user's name and roles (comma-separated, as the ledger records them).</summary>
public sealed record LegalActor(string User, string Role)
{
    /// <summary>The actor of a web request.</summary>
    public static LegalActor Of(ClaimsPrincipal user)
    {
        ArgumentNullException.ThrowIfNull(user);
        var roles = string.Join(",", user.FindAll(ClaimTypes.Role).Select(c => c.Value).Order(StringComparer.Ordinal));
        return new(user.Identity?.Name ?? "unknown", roles.Length > 0 ? roles : "unknown");
    }

    public bool HasRole(string role) => Role.Split(',').Contains(role, StringComparer.Ordinal);

    public bool IsLegalOfficer => HasRole(StaffRoles.LegalOfficer);
}

/// <summary>A refused action on an order: an HTTP status, a stable code and a message naming the field or rule.</summary>
public sealed class LegalDeskException(int status, string code, string message, Exception? inner = null) : Exception(message, inner)
{
    public int Status { get; } = status;

    public string Code { get; } = code;

    /// <summary>True when changes made before the refusal (tasks refused for a US person, removal outcomes) are kept.</summary>
    public bool KeepChanges { get; init; }
}
