using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http;
using Vigil.Accounts;
using Vigil.Server;

namespace Vigil.Authorities;

/// <summary>The legal officers' registry pages (server-rendered, no scripts, everything dynamic encoded).</summary>
internal static class AuthorityPages
{
    private static string E(string? s) => Html.Encode(s ?? "");

    private static string T(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);

    private static string U(string code) => "/legal/authorities/" + Uri.EscapeDataString(code);

    private const string Nav = "<nav><a href=\"/legal/authorities\">Authorities</a><a href=\"/legal/authorities/new\">Register an authority</a><a href=\"/\">Account</a></nav>";

    /// <summary>The error for <paramref name="field"/>, shown beside its input.</summary>
    public static string FieldError(IReadOnlyList<RegistryError> errors, string field) =>
        string.Concat(errors.Where(e => e.Field == field || e.Field.StartsWith(field + "[", StringComparison.Ordinal))
            .Select(e => $"<span class=\"field-error\" role=\"alert\" data-field=\"{E(e.Field)}\">{E(e.Field)}: {E(e.Message)}</span>"));

    public static IResult Message(string title, string message, int status) =>
        Html.Page(title, $"{Nav}<h1>{E(title)}</h1><p>{E(message)}</p>", status);

    public static IResult List(IReadOnlyList<Authority> all)
    {
        var b = new StringBuilder(Nav).Append("<h1>Authorities</h1>");
        b.Append("<p><a href=\"/legal/authorities/new\" id=\"new-authority\">Register an authority</a></p>");
        b.Append("<table id=\"authorities\"><thead><tr><th>Code</th><th>Name</th><th>Country</th><th>Kind</th><th>Instruments</th><th>Active keys</th><th>State</th></tr></thead><tbody>");
        foreach (var a in all)
        {
            b.Append($"<tr><td><a href=\"{E(U(a.Code))}\">{E(a.Code)}</a></td><td>{E(a.Name)}</td><td>{E(a.CountryCode)}</td><td>{E(a.Kind.ToString())}</td>"
                + $"<td>{E(string.Join(", ", a.Instruments.Select(i => InstrumentRules.For(i).Code)))}</td><td>{a.Keys.Count(k => k.RevokedAt is null)}</td>"
                + $"<td>{(a.DisabledAt is null ? "active" : "disabled")}</td></tr>");
        }
        b.Append("</tbody></table>");
        return Html.Page("Authorities", b.ToString());
    }

    /// <summary>The create form (no <paramref name="code"/>) or the edit form of an authority.</summary>
    public static IResult Form(AntiforgeryTokenSet tokens, string? code, AuthorityInput v, IReadOnlyList<RegistryError> errors, int status = StatusCodes.Status200OK)
    {
        var editing = code is not null;
        var instruments = v.Instruments ?? [];
        var boxes = string.Concat(InstrumentRules.All.Select(r =>
            $"<label class=\"inline\"><input type=\"checkbox\" name=\"instruments\" value=\"{E(r.Code)}\"{(instruments.Contains(r.Code, StringComparer.OrdinalIgnoreCase) ? " checked" : "")}> {E(r.Code)} <small>{E(r.Title)}</small></label>"));
        var kinds = string.Concat(Enum.GetNames<AuthorityKind>().Select(k => $"<option value=\"{k}\"{(string.Equals(v.Kind, k, StringComparison.OrdinalIgnoreCase) ? " selected" : "")}>{k}</option>"));
        var title = editing ? "Edit " + code : "Register an authority";
        var body = $"""
            {Nav}<h1>{E(title)}</h1>
            {(errors.Count > 0 ? "<p role=\"alert\">The authority was not saved: correct the fields marked below.</p>" : "")}
            <form method="post" action="{(editing ? E(U(code!) + "/edit") : "/legal/authorities")}" id="authority-form">{Html.Token(tokens)}
              {(editing ? $"<p>Code: <strong>{E(code)}</strong> (fixed: it is the HI-1 sender identifier)</p>"
                : $"<label>Code (HI-1 sender identifier) <input name=\"code\" value=\"{E(v.Code)}\" required></label>{FieldError(errors, "code")}")}
              <label>Name <input name="name" value="{E(v.Name)}" required></label>{FieldError(errors, "name")}
              <label>Country (ISO 3166-1 alpha-2, or EU) <input name="country" value="{E(v.CountryCode)}" maxlength="2" required></label>{FieldError(errors, "country")}
              <label>Kind <select name="kind">{kinds}</select></label>{FieldError(errors, "kind")}
              <fieldset><legend>Permitted instruments</legend>{boxes}</fieldset>{FieldError(errors, "instruments")}
              <label>Callback numbers for emergency requests, one per line, international format <textarea name="callback_numbers">{E(string.Join("\n", v.CallbackNumbers ?? []))}</textarea></label>{FieldError(errors, "callback_numbers")}
              <label>Referral endpoint (https) <input name="referral_endpoint" value="{E(v.ReferralEndpoint)}"></label>{FieldError(errors, "referral_endpoint")}
              <label class="inline"><input type="checkbox" name="receives_referrals" value="true"{(v.ReceivesReferrals == true ? " checked" : "")}> Receives threat-to-life referrals</label>
              {(editing ? "" : $"<label>Encryption certificate for deliveries (PEM, RSA of at least 2048 bits; optional) <textarea name=\"encryption_certificate\">{E(v.EncryptionCertificatePem)}</textarea></label>{FieldError(errors, "encryption_certificate")}")}
              <p><button type="submit">{(editing ? "Save changes" : "Register")}</button></p>
            </form>
            """;
        return Html.Page(title, body, status);
    }

    /// <summary>The detail page of one authority with its keys and the forms that change it.</summary>
    /// <param name="form">The form whose <paramref name="errors"/> are shown (<c>key</c>, <c>revoke</c>, <c>callback</c>, <c>certificate</c>, <c>user</c>, <c>disable</c>).</param>
    public static IResult Detail(AntiforgeryTokenSet tokens, Authority a, IReadOnlyList<StaffUser> users, DateTimeOffset now,
        string? form = null, IReadOnlyList<RegistryError>? errors = null, string? notice = null, int status = StatusCodes.Status200OK)
    {
        errors ??= [];
        IReadOnlyList<RegistryError> For(string f) => form == f ? errors : [];
        var action = U(a.Code);
        var b = new StringBuilder(Nav);
        b.Append($"<h1>{E(a.Name)} <small>{E(a.Code)}</small></h1>");
        if (notice is not null)
        {
            b.Append($"<p class=\"notice\" id=\"notice\">{E(notice)}</p>");
        }
        if (a.DisabledAt is { } d)
        {
            b.Append($"<p role=\"alert\" id=\"disabled\">Disabled {E(T(d))}: its keys and portal users no longer work.</p>");
        }
        b.Append($"""
            <dl class="facts" id="facts">
              <dt>Country</dt><dd>{E(a.CountryCode)}</dd>
              <dt>Kind</dt><dd>{E(a.Kind.ToString())}</dd>
              <dt>Instruments</dt><dd id="instruments">{E(string.Join(", ", a.Instruments.Select(i => InstrumentRules.For(i).Code)))}</dd>
              <dt>Callback numbers</dt><dd id="callbacks">{E(string.Join(", ", a.CallbackNumbers))}</dd>
              <dt>Referral endpoint</dt><dd>{E(a.ReferralEndpoint ?? "none")}</dd>
              <dt>Receives referrals</dt><dd>{(a.ReceivesReferrals ? "yes" : "no")}</dd>
              <dt>Encryption certificate</dt><dd id="encryption">{(a.EncryptionCertificatePem is null ? "none" : "set (SHA-256 " + E(CertificateThumbprint(a.EncryptionCertificatePem)) + ")")}</dd>
              <dt>Registered</dt><dd>{E(T(a.CreatedAt))}, last change {E(T(a.UpdatedAt))}</dd>
            </dl>
            <p><a href="{E(action)}/edit" id="edit">Edit</a></p>
            <h2>Keys</h2>
            <table id="keys"><thead><tr><th>Key id</th><th>Kind</th><th>Algorithm</th><th>Valid</th><th>State</th><th></th></tr></thead><tbody>
            """);
        foreach (var k in a.Keys.OrderBy(k => k.CreatedAt))
        {
            var state = k.RevokedAt is { } r ? $"revoked {T(r)}: {k.RevocationReason}" : k.IsValidAt(now) ? "valid" : "outside validity";
            var revoke = k.RevokedAt is null
                ? $"<form method=\"post\" action=\"{E(action)}/keys/revoke\" class=\"inline revoke\">{Html.Token(tokens)}<input type=\"hidden\" name=\"key_id\" value=\"{E(k.KeyId)}\"><input name=\"reason\" placeholder=\"reason\" required><button type=\"submit\">Revoke</button></form>"
                : "";
            b.Append($"<tr><td><code>{E(k.KeyId)}</code></td><td>{E(k.Kind.ToString())}</td><td>{E(k.Algorithm)}</td><td>{E(T(k.NotBefore))} to {E(T(k.NotAfter))}</td><td>{E(state)}</td><td>{revoke}</td></tr>");
        }
        b.Append("</tbody></table>").Append(FieldError(For("revoke"), "reason")).Append(FieldError(For("revoke"), "key_id"));
        var ke = For("key");
        var algs = string.Concat(AuthorityValidation.Algorithms.Select(x => $"<option>{x}</option>"));
        b.Append($"""
            <h3>Add a key</h3>
            <form method="post" action="{E(action)}/keys" id="add-key">{Html.Token(tokens)}
              <label class="inline"><input type="radio" name="kind" value="jws" checked> JWS public key</label>
              <label class="inline"><input type="radio" name="kind" value="certificate"> Client certificate (mutual TLS)</label>
              <label>Key id (JWS kid; ignored for certificates) <input name="key_id"></label>{FieldError(ke, "key_id")}
              <label>Algorithm <select name="algorithm">{algs}</select></label>{FieldError(ke, "algorithm")}
              <label>PEM (-----BEGIN PUBLIC KEY----- or -----BEGIN CERTIFICATE-----) <textarea name="pem" required></textarea></label>{FieldError(ke, "pem")}
              <label>Valid from (UTC, optional) <input type="datetime-local" name="not_before"></label>{FieldError(ke, "not_before")}
              <label>Valid until (UTC, optional; default one year) <input type="datetime-local" name="not_after"></label>{FieldError(ke, "not_after")}
              <button type="submit">Add key</button>
            </form>
            <h3>Add a callback number</h3>
            <form method="post" action="{E(action)}/callbacks" id="add-callback">{Html.Token(tokens)}
              <label>Number (international format) <input name="number" required></label>{FieldError(For("callback"), "callback_number")}
              <button type="submit">Add number</button>
            </form>
            <h3>Encryption certificate</h3>
            <form method="post" action="{E(action)}/encryption-certificate" id="set-certificate">{Html.Token(tokens)}
              <label>Certificate PEM (RSA of at least 2048 bits, valid now) <textarea name="pem" required></textarea></label>{FieldError(For("certificate"), "encryption_certificate")}
              <button type="submit">Set certificate</button>
            </form>
            <h2>Portal users</h2>
            <ul id="portal-users">{string.Concat(users.Select(u => $"<li>{E(u.Email)}</li>"))}</ul>
            <form method="post" action="{E(action)}/users" id="add-user">{Html.Token(tokens)}
              <label>E-mail <input type="email" name="email" required></label>{FieldError(For("user"), "email")}
              <button type="submit">Create portal user</button>
            </form>
            """);
        if (a.DisabledAt is null)
        {
            b.Append($"""
                <h2>Disable</h2>
                <form method="post" action="{E(action)}/disable" id="disable">{Html.Token(tokens)}
                  <label>Reason <input name="reason" required></label>{FieldError(For("disable"), "reason")}
                  <button type="submit">Disable this authority</button>
                </form>
                """);
        }
        return Html.Page(a.Name, b.ToString(), status);
    }

    /// <summary>The one-time secrets of a new portal user.</summary>
    public static IResult NewUser(Authority a, NewStaffAccount created) => Html.Page("Portal user created", $"""
        {Nav}<h1>Portal user created</h1>
        <p class="notice">Portal user <strong id="new-user">{E(created.Email)}</strong> of {E(a.Code)}. These secrets are shown once: hand them over securely.</p>
        <dl class="facts">
          <dt>Password</dt><dd><code id="new-password">{E(created.Password)}</code></dd>
          <dt>TOTP secret</dt><dd><code id="new-totp">{E(created.AuthenticatorKey)}</code></dd>
          <dt>TOTP URI</dt><dd><code>{E(created.OtpAuthUri)}</code></dd>
        </dl>
        <p><a href="{E(U(a.Code))}">Back to {E(a.Code)}</a></p>
        """);

    private static string CertificateThumbprint(string pem) =>
        AuthorityValidation.Pem(pem, "CERTIFICATE", out _) is { } der ? AuthorityValidation.Sha256Hex(der) : "unreadable";
}
