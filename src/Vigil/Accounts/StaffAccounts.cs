using System.Security.Cryptography;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Vigil.Ledger;

namespace Vigil.Accounts;

/// <summary>A new account's one-time secrets: shown once, never stored in clear.</summary>
/// <param name="Email">The account (also its user name).</param>
/// <param name="Password">The generated password.</param>
/// <param name="AuthenticatorKey">The TOTP secret, base32.</param>
/// <param name="OtpAuthUri">The secret as an <c>otpauth://totp/</c> URI for authenticator apps.</param>
public sealed record NewStaffAccount(string Email, string Password, string AuthenticatorKey, string OtpAuthUri);

/// <summary>One account as <c>vigil user list</c> shows it.</summary>
public sealed record StaffAccountInfo(string Email, IReadOnlyList<string> Roles, bool TwoFactor, DateTimeOffset? LockedOutUntil);

/// <summary>Thrown for a request the account rules refuse (unknown role, duplicate e-mail, weak password); the message says why.</summary>
public sealed class AccountException(string message) : Exception(message)
{
    public AccountException() : this("account operation refused") { }

    public AccountException(string message, Exception inner) : this(message + ": " + inner.Message) { }
}

/// <summary>Creates and lists staff accounts and changes their roles, recording each change in the ledger.</summary>
public sealed class StaffAccounts(UserManager<StaffUser> users, RoleManager<IdentityRole> roles, LedgerLog ledger, TimeProvider time)
{
    public const string Issuer = "Vigil";
    private const string Lower = "abcdefghijkmnopqrstuvwxyz";
    private const string Upper = "ABCDEFGHJKLMNPQRSTUVWXYZ";
    private const string Digits = "23456789";
    private const string Symbols = "!#$%*+-=?@^_~";

    /// <summary>Creates an account with a generated password, a fresh TOTP secret and two-factor on, in role <paramref name="role"/>.</summary>
    public async Task<NewStaffAccount> CreateAsync(string email, string role, string actor, string actorRole, CancellationToken ct)
    {
        CheckRole(role);
        return await CreateCoreAsync(email, role, null, "staff account created with two-factor authentication", actor, actorRole, ct);
    }

    /// <summary>
    /// Creates an authority portal user bound to authority <paramref name="authorityId"/> (role
    /// <see cref="StaffRoles.AuthorityUser"/> only), with a generated password and TOTP secret like a staff account.
    /// </summary>
    public Task<NewStaffAccount> CreatePortalUserAsync(string email, long authorityId, string authorityCode, string actor, string actorRole, CancellationToken ct) =>
        CreateCoreAsync(email, StaffRoles.AuthorityUser, authorityId,
            $"authority portal user for {authorityCode} created with two-factor authentication", actor, actorRole, ct);

    private async Task<NewStaffAccount> CreateCoreAsync(string email, string role, long? authorityId, string reason, string actor, string actorRole, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(email);
        if (!email.Contains('@', StringComparison.Ordinal) || email.Length > 256)
        {
            throw new AccountException($"'{email}' is not an e-mail address");
        }
        if (await users.FindByEmailAsync(email) is not null)
        {
            throw new AccountException($"an account for '{email}' already exists");
        }
        var password = GeneratePassword();
        var user = new StaffUser { UserName = email, Email = email, EmailConfirmed = true, TwoFactorEnabled = true, AuthorityId = authorityId };
        Check(await users.CreateAsync(user, password), "create account");
        Check(await users.ResetAuthenticatorKeyAsync(user), "create authenticator key");
        var key = await users.GetAuthenticatorKeyAsync(user) ?? throw new AccountException("no authenticator key was stored");
        await EnsureRoleAsync(role);
        Check(await users.AddToRoleAsync(user, role), "grant role");
        await ledger.AppendBatchAsync(
        [
            AccountAudit.Event(actor, actorRole, AccountAudit.Created, email, reason),
            AccountAudit.Event(actor, actorRole, AccountAudit.RoleGranted, email, "role " + role),
        ], ct);
        var uri = $"otpauth://totp/{Uri.EscapeDataString(Issuer)}:{Uri.EscapeDataString(email)}?secret={key}&issuer={Uri.EscapeDataString(Issuer)}&digits=6&period=30";
        return new NewStaffAccount(email, password, key, uri);
    }

    /// <summary>Grants or revokes one role; recorded in the ledger. Returns false when nothing changed.</summary>
    public async Task<bool> SetRoleAsync(string email, string role, bool grant, string actor, string actorRole, CancellationToken ct)
    {
        CheckRole(role);
        var user = await users.FindByEmailAsync(email) ?? throw new AccountException($"no account for '{email}'");
        var has = await users.IsInRoleAsync(user, role);
        if (has == grant)
        {
            return false;
        }
        if (grant)
        {
            await EnsureRoleAsync(role);
            Check(await users.AddToRoleAsync(user, role), "grant role");
        }
        else
        {
            Check(await users.RemoveFromRoleAsync(user, role), "revoke role");
            // A new stamp ends the user's sessions at the server's next stamp check instead of leaving the old role in the cookie.
            Check(await users.UpdateSecurityStampAsync(user), "end sessions");
        }
        await ledger.AppendAsync(AccountAudit.Event(actor, actorRole, grant ? AccountAudit.RoleGranted : AccountAudit.RoleRevoked, email, "role " + role), ct);
        return true;
    }

    public async Task<IReadOnlyList<StaffAccountInfo>> ListAsync(CancellationToken ct)
    {
        var all = await users.Users.OrderBy(u => u.Email).ToListAsync(ct);
        var now = time.GetUtcNow();
        var result = new List<StaffAccountInfo>(all.Count);
        foreach (var u in all)
        {
            var r = await users.GetRolesAsync(u);
            DateTimeOffset? locked = u.LockoutEnd is { } end && end > now ? end : null;
            result.Add(new StaffAccountInfo(u.Email ?? u.UserName ?? u.Id, [.. r.Order(StringComparer.Ordinal)], u.TwoFactorEnabled, locked));
        }
        return result;
    }

    /// <summary>A 24-character password with every character class, from the OS CSPRNG.</summary>
    public static string GeneratePassword()
    {
        const string all = Lower + Upper + Digits + Symbols;
        Span<char> chars = stackalloc char[24];
        chars[0] = Lower[RandomNumberGenerator.GetInt32(Lower.Length)];
        chars[1] = Upper[RandomNumberGenerator.GetInt32(Upper.Length)];
        chars[2] = Digits[RandomNumberGenerator.GetInt32(Digits.Length)];
        chars[3] = Symbols[RandomNumberGenerator.GetInt32(Symbols.Length)];
        for (int i = 4; i < chars.Length; i++)
        {
            chars[i] = all[RandomNumberGenerator.GetInt32(all.Length)];
        }
        RandomNumberGenerator.Shuffle(chars);
        return new string(chars);
    }

    private static void CheckRole(string role)
    {
        if (!StaffRoles.IsKnown(role))
        {
            throw new AccountException($"unknown role '{role}'; roles: {string.Join(", ", StaffRoles.All)}");
        }
    }

    private async Task EnsureRoleAsync(string role)
    {
        if (!await roles.RoleExistsAsync(role))
        {
            Check(await roles.CreateAsync(new IdentityRole(role)), "create role");
        }
    }

    private static void Check(IdentityResult result, string what)
    {
        if (!result.Succeeded)
        {
            throw new AccountException($"{what} failed: {string.Join("; ", result.Errors.Select(e => e.Description))}");
        }
    }
}
