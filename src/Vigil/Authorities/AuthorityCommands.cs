using System.CommandLine;
using Microsoft.EntityFrameworkCore;
using Vigil.Accounts;
using Vigil.Cli;
using Vigil.Ledger;

namespace Vigil.Authorities;

/// <summary><c>vigil authority ...</c>: the authority registry from the command line (every change goes to the ledger).</summary>
public static class AuthorityCommands
{
    private const string Actor = "operator";
    private const string ActorRole = "operator";

    private static readonly Argument<string> Code = new("code") { Description = "The authority's code (its HI-1 SenderIdentifier, e.g. GB-EXAMPLE-POLICE)" };

    public static Command Create(TimeProvider time)
    {
        var authority = new Command("authority", "Manage the authority registry: authorities, their keys and portal users");
        authority.Subcommands.Add(AddCommand(time));
        authority.Subcommands.Add(ListCommand(time));
        authority.Subcommands.Add(ShowCommand(time));
        authority.Subcommands.Add(UpdateCommand(time));
        authority.Subcommands.Add(DisableCommand(time));
        var key = new Command("key", "Add or revoke an authority's JWS keys and client certificates");
        key.Subcommands.Add(KeyAddCommand(time));
        key.Subcommands.Add(KeyRevokeCommand(time));
        authority.Subcommands.Add(key);
        var user = new Command("user", "Authority portal users");
        user.Subcommands.Add(UserAddCommand(time));
        authority.Subcommands.Add(user);
        return authority;
    }

    private sealed record Fields(
        Option<string?> Country, Option<string?> Name, Option<string?> Kind, Option<string[]> Instruments, Option<string[]> Callbacks,
        Option<string?> Referral, Option<bool?> Receives, Option<FileInfo?> Certificate)
    {
        public static Fields Create(bool required) => new(
            new("--country") { Description = "ISO 3166-1 alpha-2 country code (EU for Union bodies)", Required = required },
            new("--name") { Description = "The authority's name", Required = required },
            new("--kind") { Description = "One of: " + string.Join(", ", Enum.GetNames<AuthorityKind>()), Required = required },
            new("--instrument") { Description = "Permitted instrument code (repeat): " + string.Join(", ", InstrumentRules.All.Select(r => r.Code)), Required = required, AllowMultipleArgumentsPerToken = true },
            new("--callback") { Description = "Callback phone number for emergency requests, international format (repeat)", AllowMultipleArgumentsPerToken = true },
            new("--referral-endpoint") { Description = "https URL that receives referrals ('' clears it on update)" },
            new("--receives-referrals") { Description = "Competent for threat-to-life referrals (true/false)" },
            new("--encryption-cert") { Description = "PEM file of the RSA (>= 2048 bits) certificate deliveries are encrypted to" });

        public void AddTo(Command cmd)
        {
            cmd.Options.Add(Country);
            cmd.Options.Add(Name);
            cmd.Options.Add(Kind);
            cmd.Options.Add(Instruments);
            cmd.Options.Add(Callbacks);
            cmd.Options.Add(Referral);
            cmd.Options.Add(Receives);
            cmd.Options.Add(Certificate);
        }

        public async Task<AuthorityInput> InputAsync(ParseResult parse, string? code, CancellationToken ct)
        {
            var instruments = parse.GetValue(Instruments);
            var callbacks = parse.GetValue(Callbacks);
            var cert = parse.GetValue(Certificate);
            return new AuthorityInput(
                Code: code,
                CountryCode: parse.GetValue(Country),
                Name: parse.GetValue(Name),
                Kind: parse.GetValue(Kind),
                Instruments: instruments is { Length: > 0 } ? instruments : null,
                CallbackNumbers: callbacks is { Length: > 0 } ? callbacks : null,
                ReferralEndpoint: parse.GetValue(Referral),
                ReceivesReferrals: parse.GetValue(Receives),
                EncryptionCertificatePem: cert is null ? null : await File.ReadAllTextAsync(cert.FullName, ct));
        }
    }

    private static Command AddCommand(TimeProvider time)
    {
        var fields = Fields.Create(required: true);
        var cmd = new Command("add", "Register an authority") { Code };
        fields.AddTo(cmd);
        cmd.SetAction((parse, ct) => Run(parse, time, async (registry, output) =>
        {
            var input = await fields.InputAsync(parse, parse.GetValue(Code), ct);
            var a = await registry.CreateAsync(input with { CallbackNumbers = input.CallbackNumbers ?? [] }, Actor, ActorRole, ct);
            await output.WriteLineAsync($"registered {a.Code} ({a.Name}, {a.CountryCode})");
            return 0;
        }));
        return cmd;
    }

    private static Command UpdateCommand(TimeProvider time)
    {
        var fields = Fields.Create(required: false);
        var cmd = new Command("update", "Change an authority's fields (only the options given; lists replace the old list)") { Code };
        fields.AddTo(cmd);
        cmd.SetAction((parse, ct) => Run(parse, time, async (registry, output) =>
        {
            var a = await registry.UpdateAsync(parse.GetValue(Code)!, await fields.InputAsync(parse, null, ct), Actor, ActorRole, ct);
            await output.WriteLineAsync($"updated {a.Code}: {AuthorityRegistry.Describe(a)}");
            return 0;
        }));
        return cmd;
    }

    private static Command ListCommand(TimeProvider time)
    {
        var cmd = new Command("list", "List registered authorities");
        cmd.SetAction((parse, ct) => Run(parse, time, async (registry, output) =>
        {
            var all = await registry.ListAsync(ct);
            if (parse.GetValue(CliContext.Json))
            {
                CliContext.WriteJson(parse, all.Select(View));
                return 0;
            }
            if (all.Count == 0)
            {
                await output.WriteLineAsync("no authorities; register one with: vigil authority add CODE --country GB --name NAME --kind police --instrument LEGAL");
            }
            foreach (var a in all)
            {
                var state = a.DisabledAt is null ? "" : "  DISABLED";
                await output.WriteLineAsync($"{a.Code}  {a.CountryCode}  {a.Kind}  {string.Join(",", a.Instruments.Select(i => InstrumentRules.For(i).Code))}  keys={a.Keys.Count(k => k.RevokedAt is null)}  {a.Name}{state}");
            }
            return 0;
        }));
        return cmd;
    }

    private static Command ShowCommand(TimeProvider time)
    {
        var cmd = new Command("show", "Show one authority with its keys") { Code };
        cmd.SetAction((parse, ct) => Run(parse, time, async (registry, output) =>
        {
            var a = await registry.FindAsync(parse.GetValue(Code)!, ct) ?? throw new CliException($"no authority {parse.GetValue(Code)}");
            if (parse.GetValue(CliContext.Json))
            {
                CliContext.WriteJson(parse, View(a));
                return 0;
            }
            await output.WriteLineAsync($"{a.Code}  {a.Name}");
            await output.WriteLineAsync(AuthorityRegistry.Describe(a).Replace("; ", "\n", StringComparison.Ordinal));
            await output.WriteLineAsync(a.DisabledAt is { } d ? $"disabled at {d:u}" : "active");
            foreach (var k in a.Keys.OrderBy(k => k.CreatedAt))
            {
                var state = k.RevokedAt is { } r ? $"revoked {r:u}: {k.RevocationReason}" : "";
                await output.WriteLineAsync($"key {k.KeyId}  {k.Kind}  {k.Algorithm}  {k.NotBefore:u} .. {k.NotAfter:u}  {state}");
            }
            return 0;
        }));
        return cmd;
    }

    private static Command DisableCommand(TimeProvider time)
    {
        var reason = new Option<string>("--reason") { Description = "Why the authority is withdrawn (recorded in the ledger)", Required = true };
        var cmd = new Command("disable", "Withdraw an authority: its keys and portal users stop working") { Code, reason };
        cmd.SetAction((parse, ct) => Run(parse, time, async (registry, output) =>
        {
            var changed = await registry.DisableAsync(parse.GetValue(Code)!, parse.GetValue(reason)!, Actor, ActorRole, ct);
            await output.WriteLineAsync(changed ? "disabled " + parse.GetValue(Code) : "unchanged: already disabled");
            return 0;
        }));
        return cmd;
    }

    private static Command KeyAddCommand(TimeProvider time)
    {
        var kid = new Option<string?>("--kid") { Description = "JWS key id (kid) for a public key" };
        var alg = new Option<string?>("--alg") { Description = "JWS algorithm: " + string.Join(", ", AuthorityValidation.Algorithms) };
        var pem = new Option<FileInfo?>("--pem") { Description = "SubjectPublicKeyInfo PEM file (-----BEGIN PUBLIC KEY-----)" };
        var cert = new Option<FileInfo?>("--certificate") { Description = "Client certificate PEM file (mutual TLS); its key id is its SHA-256" };
        var notBefore = new Option<DateTimeOffset?>("--not-before") { Description = "Start of validity (ISO 8601; default now)" };
        var notAfter = new Option<DateTimeOffset?>("--not-after") { Description = "End of validity (ISO 8601; default one year after the start)" };
        var cmd = new Command("add", "Add a JWS public key (--kid --alg --pem) or a client certificate (--certificate)") { Code, kid, alg, pem, cert, notBefore, notAfter };
        cmd.SetAction((parse, ct) => Run(parse, time, async (registry, output) =>
        {
            AuthorityKey key;
            if (parse.GetValue(cert) is { } c)
            {
                if (parse.GetValue(pem) is not null)
                {
                    throw new CliException("give either --certificate or --pem, not both");
                }
                key = await registry.AddClientCertificateAsync(parse.GetValue(Code)!, await File.ReadAllTextAsync(c.FullName, ct), Actor, ActorRole, ct);
            }
            else
            {
                var file = parse.GetValue(pem) ?? throw new CliException("--pem (with --kid and --alg) or --certificate is required");
                key = await registry.AddJwsKeyAsync(parse.GetValue(Code)!, parse.GetValue(kid), parse.GetValue(alg), await File.ReadAllTextAsync(file.FullName, ct),
                    parse.GetValue(notBefore), parse.GetValue(notAfter), Actor, ActorRole, ct);
            }
            await output.WriteLineAsync($"added {key.Kind} {key.KeyId} valid {key.NotBefore:u} .. {key.NotAfter:u}");
            return 0;
        }));
        return cmd;
    }

    private static Command KeyRevokeCommand(TimeProvider time)
    {
        var kid = new Argument<string>("key-id") { Description = "The key id (kid, or a certificate's SHA-256)" };
        var reason = new Option<string>("--reason") { Description = "Why (recorded in the ledger)", Required = true };
        var cmd = new Command("revoke", "Revoke a key; requests signed with it are refused from then on") { kid, reason };
        cmd.SetAction((parse, ct) => Run(parse, time, async (registry, output) =>
        {
            var changed = await registry.RevokeKeyAsync(parse.GetValue(kid)!, parse.GetValue(reason)!, Actor, ActorRole, ct);
            await output.WriteLineAsync(changed ? "revoked " + parse.GetValue(kid) : "unchanged: already revoked");
            return 0;
        }));
        return cmd;
    }

    private static Command UserAddCommand(TimeProvider time)
    {
        var authority = new Option<string>("--authority") { Description = "The authority's code", Required = true };
        var email = new Option<string>("--email") { Description = "The user's e-mail address (also the user name)", Required = true };
        var cmd = new Command("add", "Create a portal user of an authority; prints the generated password and TOTP secret once") { authority, email };
        cmd.SetAction((parse, ct) => CliContext.Guard(parse, async output =>
        {
            var store = CliContext.Store(parse);
            long id;
            string code;
            await using (var db = await store.OpenAsync(ct))
            {
                var wanted = parse.GetValue(authority)!.Trim().ToUpperInvariant();
                var a = await db.Authorities.AsNoTracking().FirstOrDefaultAsync(x => x.Code == wanted, ct)
                    ?? throw new CliException($"no authority {parse.GetValue(authority)}");
                if (a.DisabledAt is not null)
                {
                    throw new CliException($"authority {a.Code} is disabled");
                }
                (id, code) = (a.Id, a.Code);
            }
            await using var session = await StaffAccountsSession.OpenAsync(store, time, ct);
            NewStaffAccount created;
            try
            {
                created = await session.Accounts.CreatePortalUserAsync(parse.GetValue(email)!, id, code, Actor, ActorRole, ct);
            }
            catch (AccountException e)
            {
                throw new CliException(e.Message);
            }
            if (parse.GetValue(CliContext.Json))
            {
                CliContext.WriteJson(parse, new { created.Email, Authority = code, created.Password, created.AuthenticatorKey, OtpauthUri = created.OtpAuthUri });
            }
            else
            {
                await output.WriteLineAsync($"created {created.Email} (portal user of {code})");
                await output.WriteLineAsync($"password: {created.Password}");
                await output.WriteLineAsync($"totp: {created.OtpAuthUri}");
                await output.WriteLineAsync("These are shown once: store the password and add the TOTP URI to an authenticator app now.");
            }
            return 0;
        }));
        return cmd;
    }

    private static object View(Authority a) => new
    {
        a.Code, a.Name, a.CountryCode, Kind = a.Kind.ToString(),
        Instruments = a.Instruments.Select(i => InstrumentRules.For(i).Code), a.CallbackNumbers, a.ReferralEndpoint, a.ReceivesReferrals,
        EncryptionCertificate = a.EncryptionCertificatePem is not null, a.DisabledAt,
        Keys = a.Keys.OrderBy(k => k.CreatedAt).Select(k => new { k.KeyId, Kind = k.Kind.ToString(), k.Algorithm, k.NotBefore, k.NotAfter, k.RevokedAt, k.RevocationReason }),
    };

    private static Task<int> Run(ParseResult parse, TimeProvider time, Func<AuthorityRegistry, TextWriter, Task<int>> body) => CliContext.Guard(parse, async output =>
    {
        var store = CliContext.Store(parse);
        await using var db = await store.OpenAsync(CancellationToken.None);
        await using var ledger = LedgerLog.OpenDataDirectory(store.DataDirectory.FullName, options: new LedgerOptions { TimeProvider = time });
        try
        {
            return await body(new AuthorityRegistry(db, ledger, time), output);
        }
        catch (AuthorityRegistryException e)
        {
            throw new CliException(e.Message);
        }
    });
}
