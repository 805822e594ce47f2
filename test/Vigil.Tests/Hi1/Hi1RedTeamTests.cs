using System.Buffers.Text;
using System.Text;
using Vigil.Hi1;
using Vigil.Tests.Support;

namespace Vigil.Tests.Hi1;

/// <summary>
/// Hostile requests against one server per provider: every one is refused with the expected code, creates no order
/// and is written to the ledger as hi1.refused with that code as the reason.
/// </summary>
public sealed class Hi1RedTeamTests
{
    private sealed record Case(string Name, Func<Hi1Server, Task<Hi1ClientResponse>> Send, string Code);

    private static byte[] Json(Hi1Node message) => Hi1Codec.WriteJson(message);

    private static byte[] GbCreate(params Hi1Value[] values) => Json(Hi1Requests.Create(Hi1Server.GbOrder(values), Hi1Server.Now));

    private static byte[] GbList() => Json(Hi1Requests.List("GB", Hi1Server.Gb, Hi1Server.Now));

    private static string Sign(Hi1Server s, string kid, byte[] payload, DateTimeOffset? at = null) => s.Signers[kid].Sign(payload, at ?? Hi1Server.Now);

    private static string Header(string json) => Base64Url.EncodeToString(Encoding.UTF8.GetBytes(json));

    private static Case Signed(string name, string code, Func<byte[]> payload, string kid = "gb-es256") =>
        new(name, s => s.PostAsync(Sign(s, kid, payload())), code);

    private static Case Raw(string name, string code, Func<Hi1Server, string> body) => new(name, s => s.PostAsync(body(s)), code);

    private static Case WithHeader(string name, string code, Func<long, string> header, string kid = "gb-es256") =>
        new(name, s => s.PostAsync(s.Signers[kid].SignWithHeader(Encoding.UTF8.GetBytes(header(Hi1Server.Now.ToUnixTimeSeconds())), GbList())), code);

    private static string Nonce => Hi1Signer.NewNonce();

    private static IEnumerable<Case> Cases()
    {
        // Signatures: flipped bits, stripped, replaced, a payload changed after signing.
        for (int i = 0; i < 40; i++)
        {
            int at = i;
            yield return Raw($"signature bit flip {at}", "signature_invalid", s =>
            {
                var jws = Sign(s, "gb-es256", GbCreate());
                var parts = jws.Split('.');
                var sig = Base64Url.DecodeFromChars(parts[2]);
                sig[at % sig.Length] ^= (byte)(1 << (at % 8));
                return parts[0] + "." + parts[1] + "." + Base64Url.EncodeToString(sig);
            });
        }
        for (int i = 0; i < 10; i++)
        {
            int at = i;
            yield return Raw($"payload changed after signing {at}", "signature_invalid", s =>
            {
                var parts = Sign(s, "gb-es256", GbCreate()).Split('.');
                var payload = Base64Url.DecodeFromChars(parts[1]);
                var text = Encoding.UTF8.GetString(payload).Replace("suspect@example.org", $"other{at}@example.org", StringComparison.OrdinalIgnoreCase);
                return parts[0] + "." + Base64Url.EncodeToString(Encoding.UTF8.GetBytes(text)) + "." + parts[2];
            });
        }
        yield return Raw("signature stripped", "signature_missing", s => string.Join('.', Sign(s, "gb-es256", GbCreate()).Split('.')[..2]) + ".");
        yield return Raw("signature part missing", "jws_malformed", s => string.Join('.', Sign(s, "gb-es256", GbCreate()).Split('.')[..2]));
        yield return Raw("bare JSON message", "jws_malformed", _ => Encoding.UTF8.GetString(GbCreate()));
        yield return Raw("empty body", "jws_malformed", _ => "");
        yield return Raw("five parts (JWE)", "jws_malformed", s => Sign(s, "gb-es256", GbCreate()) + ".a.b");
        yield return Raw("header not base64url", "jws_malformed", s => "!!!." + string.Join('.', Sign(s, "gb-es256", GbCreate()).Split('.')[1..]));
        yield return Raw("header not JSON", "jws_malformed", s => Header("not json") + "." + string.Join('.', Sign(s, "gb-es256", GbCreate()).Split('.')[1..]));
        yield return Raw("signature of another key", "signature_invalid", s =>
        {
            using var other = Hi1Signer.Generate("ES256", "gb-es256");
            return other.Sign(GbCreate(), Hi1Server.Now);
        });
        yield return Raw("Ed25519 signature of another key", "signature_invalid", s =>
        {
            using var other = Hi1Signer.Generate("EdDSA", "gb-eddsa");
            return other.Sign(GbCreate(), Hi1Server.Now);
        });

        // Headers: alg confusion, missing parameters, key-carrying parameters.
        yield return Raw("alg none, no signature", "signature_missing", _ => Header($$"""{"alg":"none","kid":"gb-es256","iat":{{Hi1Server.Now.ToUnixTimeSeconds()}},"nonce":"{{Nonce}}"}""") + "." + Base64Url.EncodeToString(GbCreate()) + ".");
        yield return Raw("alg none with junk signature", "alg_none", _ => Header($$"""{"alg":"none","kid":"gb-es256","iat":{{Hi1Server.Now.ToUnixTimeSeconds()}},"nonce":"{{Nonce}}"}""") + "." + Base64Url.EncodeToString(GbCreate()) + ".AAAA");
        yield return Raw("alg NONE", "alg_none", _ => Header($$"""{"alg":"NONE","kid":"gb-es256","iat":{{Hi1Server.Now.ToUnixTimeSeconds()}},"nonce":"{{Nonce}}"}""") + "." + Base64Url.EncodeToString(GbCreate()) + ".AAAA");
        yield return Raw("alg HS256 keyed with the public key", "alg_unsupported", s =>
        {
            var h = Header($$"""{"alg":"HS256","kid":"gb-es256","iat":{{Hi1Server.Now.ToUnixTimeSeconds()}},"nonce":"{{Nonce}}"}""") + "." + Base64Url.EncodeToString(GbCreate());
            var mac = System.Security.Cryptography.HMACSHA256.HashData(Encoding.ASCII.GetBytes(s.Signers["gb-es256"].PublicKeyPem()), Encoding.ASCII.GetBytes(h));
            return h + "." + Base64Url.EncodeToString(mac);
        });
        yield return WithHeader("alg names PS256 for an ES256 key", "alg_mismatch", iat => $$"""{"alg":"PS256","kid":"gb-es256","iat":{{iat}},"nonce":"{{Nonce}}"}""", "gb-ps256");
        yield return WithHeader("alg names ES256 for an EdDSA key", "alg_mismatch", iat => $$"""{"alg":"ES256","kid":"gb-eddsa","iat":{{iat}},"nonce":"{{Nonce}}"}""");
        yield return WithHeader("alg names RS256 for a PS256 key", "alg_mismatch", iat => $$"""{"alg":"RS256","kid":"gb-ps256","iat":{{iat}},"nonce":"{{Nonce}}"}""", "gb-ps256");
        yield return WithHeader("no alg", "alg_missing", iat => $$"""{"kid":"gb-es256","iat":{{iat}},"nonce":"{{Nonce}}"}""");
        yield return WithHeader("no kid", "kid_missing", iat => $$"""{"alg":"ES256","iat":{{iat}},"nonce":"{{Nonce}}"}""");
        yield return WithHeader("no iat", "iat_missing", _ => $$"""{"alg":"ES256","kid":"gb-es256","nonce":"{{Nonce}}"}""");
        yield return WithHeader("iat as a string", "iat_missing", iat => $$"""{"alg":"ES256","kid":"gb-es256","iat":"{{iat}}","nonce":"{{Nonce}}"}""");
        yield return WithHeader("no nonce", "nonce_missing", iat => $$"""{"alg":"ES256","kid":"gb-es256","iat":{{iat}}}""");
        yield return WithHeader("short nonce", "nonce_invalid", iat => $$"""{"alg":"ES256","kid":"gb-es256","iat":{{iat}},"nonce":"abc"}""");
        yield return WithHeader("nonce with odd characters", "nonce_invalid", iat => $$"""{"alg":"ES256","kid":"gb-es256","iat":{{iat}},"nonce":"abcdefghijklmnop; DROP"}""");
        yield return WithHeader("embedded jwk", "jws_header_unsupported", iat => $$$"""{"alg":"ES256","kid":"gb-es256","iat":{{{iat}}},"nonce":"{{{Nonce}}}","jwk":{"kty":"EC"}}""");
        yield return WithHeader("jku pointing elsewhere", "jws_header_unsupported", iat => $$"""{"alg":"ES256","kid":"gb-es256","iat":{{iat}},"nonce":"{{Nonce}}","jku":"https://evil.example/keys"}""");
        yield return WithHeader("x5c chain", "jws_header_unsupported", iat => $$"""{"alg":"ES256","kid":"gb-es256","iat":{{iat}},"nonce":"{{Nonce}}","x5c":["MII"]}""");
        yield return WithHeader("crit names an unknown parameter", "jws_header_unsupported", iat => $$"""{"alg":"ES256","kid":"gb-es256","iat":{{iat}},"nonce":"{{Nonce}}","crit":["exp"]}""");
        yield return WithHeader("duplicate alg", "jws_malformed", iat => $$"""{"alg":"none","alg":"ES256","kid":"gb-es256","iat":{{iat}},"nonce":"{{Nonce}}"}""");

        // Keys: unknown, another authority's, revoked, expired, not yet valid, withdrawn authority, a certificate id.
        foreach (var kid in new[] { "nobody", "GB-EXAMPLE-POLICE", "gb-es256 ", "../gb-es256", "' OR 1=1 --" })
        {
            yield return WithHeader($"unknown kid '{kid}'", "key_unknown", iat => $$"""{"alg":"ES256","kid":"{{kid}}","iat":{{iat}},"nonce":"{{Nonce}}"}""");
        }
        yield return Signed("another authority's key for a GB message", "key_authority_mismatch", () => GbCreate(), "de-es256");
        yield return Signed("another authority's key for a GB list", "key_authority_mismatch", () => GbList(), "de-es256");
        yield return Signed("revoked key", "key_revoked", () => GbCreate(), "gb-revoked");
        yield return Signed("expired key", "key_expired", () => GbCreate(), "gb-expired");
        yield return Signed("not yet valid key", "key_not_yet_valid", () => GbCreate(), "gb-future");
        yield return Signed("withdrawn authority", "authority_disabled", () => Json(Hi1Requests.List("FR", Hi1Server.Fr, Hi1Server.Now)), "fr-es256");
        yield return Signed("client certificate id used as a kid", "key_unknown", () => GbCreate(), "gb-cert");

        // Replays (the first, a LIST, is accepted; the second is refused) and clock skew.
        for (int i = 0; i < 10; i++)
        {
            yield return new($"replay {i}", async s =>
            {
                var jws = Sign(s, "gb-es256", GbList());
                var first = await s.PostAsync(jws);
                Assert.Equal(200, first.Status);
                return await s.PostAsync(jws);
            }, "replay");
        }
        foreach (var skew in new[] { 6, -6, 60, -60, 1440, -1440, 525600, -525600 })
        {
            yield return new($"clock skew {skew} min", s => s.PostAsync(Sign(s, "gb-es256", GbCreate(), Hi1Server.Now.AddMinutes(skew))), "clock_skew");
        }
        yield return WithHeader("iat zero", "clock_skew", _ => $$"""{"alg":"ES256","kid":"gb-es256","iat":0,"nonce":"{{Nonce}}"}""");

        // Transport: content type and size. A plain HI-1 media type is for mutual TLS only: without a client certificate
        // it is refused as unauthenticated, whatever the body.
        foreach (var (ct, code) in new[] { ("application/json", "client_certificate_missing"), ("text/plain", "content_type_unsupported"),
            ("application/xml", "client_certificate_missing"), ("application/jwt", "content_type_unsupported") })
        {
            yield return new($"content type {ct}", async s =>
            {
                using var content = new StringContent(Sign(s, "gb-es256", GbCreate()), Encoding.ASCII, ct);
                using var r = await s.Http.PostAsync(Hi1Endpoints.Route, content);
                return new Hi1ClientResponse((int)r.StatusCode, await r.Content.ReadAsStringAsync(), null);
            }, code);
        }
        yield return Raw("body over the limit", "body_too_large", _ => new string('A', Hi1Intake.MaxBodyBytes + 10));
        yield return Signed("signed message over the size limit", "message_too_large", () =>
        {
            var big = Hi1Server.GbOrder() with { Document = new byte[Hi1Codec.MaxMessageBytes / 4 * 3] };
            return Json(Hi1Requests.Create(big, Hi1Server.Now));
        });

        // Orders the authority may not send, or that are not specific and bounded.
        foreach (var lt in new[] { "EPOC", "EPOC-PR", "TCO", "DSA", "EDR" })
        {
            yield return Signed($"instrument {lt} not permitted", "instrument_not_permitted", () => Json(Hi1Requests.Create(Hi1Server.GbOrder() with { LegalType = lt }, Hi1Server.Now)));
        }
        foreach (var lt in new[] { "Wiretap", "", "Production Order" })
        {
            yield return Signed($"legal type '{lt}'", lt.Length == 0 ? "required" : "legal_type_unknown", () => Json(Hi1Requests.Create(Hi1Server.GbOrder() with { LegalType = lt }, Hi1Server.Now)));
        }
        var nonSpecific = new (string Owner, string Format, string Value)[]
        {
            ("ETSI", "EmailAddress", "*@example.org"), ("ETSI", "EmailAddress", "%@example.org"), ("ETSI", "EmailAddress", ""), ("ETSI", "EmailAddress", "   "),
            ("ETSI", "EmailAddress", "suspect@"), ("ETSI", "EmailAddress", "@example.org"), ("ETSI", "EmailAddress", "a?b@example.org"), ("ETSI", "EmailAddress", "user@localhost"),
            ("ETSI", "InternationalE164", "+44*"), ("ETSI", "InternationalE164", "not a phone"), ("ETSI", "InternationalE164", ""), ("ETSI", "InternationalE164", "+1"),
            ("ETSI", "IPv4Address", "10.0.0.0/8"), ("ETSI", "IPv4Address", "0.0.0.0"), ("ETSI", "IPv4Address", "255.255.255.255"), ("ETSI", "IPv4Address", "10.0.0.*"),
            ("ETSI", "IPv6Address", "::"), ("ETSI", "IPv6Address", "2001:db8::/32"), ("ETSI", "IPv4Address", "999.1.1.1"),
            ("VIGIL", "AccountId", "*"), ("VIGIL", "AccountId", "u 1"), ("VIGIL", "AccountId", ""), ("VIGIL", "Username", "%"), ("VIGIL", "Username", "a*"),
            ("VIGIL", "AccountId", "u1\u0000"), ("VIGIL", "AccountId", new string('x', 3000)),
        };
        foreach (var (owner, format, value) in nonSpecific)
        {
            yield return Signed($"non-specific {format} '{(value.Length > 20 ? value[..20] : value)}'", "selector_not_specific", () => GbCreate(new Hi1Value(owner, format, value)));
        }
        yield return Signed("URL in a disclosure", "selector_kind_not_permitted", () => GbCreate(new Hi1Value("VIGIL", "URL", "https://platform.example/p/1")));
        yield return Signed("IP port out of range", "invalid_port", () => GbCreate(new Hi1Value("ETSI", "IPAddressPort", "203.0.113.7:70000")));
        yield return Signed("IP port missing", "invalid_port", () => GbCreate(new Hi1Value("ETSI", "IPAddressPort", "203.0.113.7")));
        yield return Signed("unknown format IMSI", "format_unknown", () => GbCreate(new Hi1Value("ETSI", "IMSI", "234150999999999")));
        yield return Signed("unknown owner", "format_unknown", () => GbCreate(new Hi1Value("ACME", "EmailAddress", "a@example.org")));
        yield return Signed("no selectors", "required", () => Json(Hi1Requests.Create(Hi1Server.GbOrder() with { Tasks = [new Hi1TaskSpec("SubscriberData", Hi1Server.Now.AddDays(-2), Hi1Server.Now, [])] }, Hi1Server.Now)));
        var ranges = new (string Name, DateTimeOffset? Start, DateTimeOffset? End, string Code)[]
        {
            ("no start", null, Hi1Server.Now, "unbounded_time_range"), ("no end", Hi1Server.Now.AddDays(-1), null, "unbounded_time_range"),
            ("neither", null, null, "unbounded_time_range"), ("end before start", Hi1Server.Now, Hi1Server.Now.AddDays(-1), "invalid_range"),
            ("equal", Hi1Server.Now, Hi1Server.Now, "invalid_range"), ("367 days", Hi1Server.Now.AddDays(-367), Hi1Server.Now, "time_range_too_long"),
            ("ten years", Hi1Server.Now.AddYears(-10), Hi1Server.Now, "time_range_too_long"), ("since 1970", DateTimeOffset.UnixEpoch, Hi1Server.Now, "time_range_too_long"),
        };
        foreach (var (name, start, end, code) in ranges)
        {
            yield return Signed($"time range {name}", code, () => Json(Hi1Requests.Create(Hi1Server.GbOrder() with
            {
                Tasks = [new Hi1TaskSpec("SubscriberData", start, end, [new("ETSI", "EmailAddress", "a@example.org")])],
            }, Hi1Server.Now)));
        }
        yield return Signed("time without zone", "time_invalid", () => Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(GbCreate()).Replace("Z\"", "\"", StringComparison.Ordinal)));
        yield return Signed("unknown request type", "request_type_unknown", () => Json(Hi1Requests.Create(Hi1Server.GbOrder() with
        {
            Tasks = [new Hi1TaskSpec("EverythingData", Hi1Server.Now.AddDays(-2), Hi1Server.Now, [new("ETSI", "EmailAddress", "a@example.org")])],
        }, Hi1Server.Now)));
        yield return Signed("UK-US order without attestation", "us_person_attestation_required", () => Json(Hi1Requests.Create(Hi1Server.GbOrder() with { LegalType = "OPO" }, Hi1Server.Now)));
        yield return Signed("expired authorisation", "expired", () => Json(Hi1Requests.Create(Hi1Server.GbOrder() with { AuthorisedFrom = Hi1Server.Now.AddDays(-30), AuthorisedTo = Hi1Server.Now.AddDays(-1) }, Hi1Server.Now)));
        yield return Signed("no reference", "required", () => Json(Hi1Requests.Create(Hi1Server.GbOrder() with { Reference = "" }, Hi1Server.Now)));
        yield return Signed("object owned by someone else", "owner_mismatch", () => Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(GbCreate()).Replace("\"OwnerIdentifier\": \"GB-EXAMPLE-POLICE\"", "\"OwnerIdentifier\": \"DE-TEST-BKA\"", StringComparison.Ordinal)));
        yield return Signed("task without its authorisation", "authorisation_required", () =>
        {
            var n = Hi1Requests.Create(Hi1Server.GbOrder(), Hi1Server.Now);
            var actions = n.Child("Payload")!.Child("RequestPayload")!.Child("ActionRequests")!;
            actions.Children.RemoveAt(0);
            return Json(n);
        });

        // Malformed JSON.
        var vector = File.ReadAllBytes(Repo.Shared("vectors", "hi1", "create-production-order.json"));
        foreach (var cut in new[] { 1, 10, 50, 200, 500, 1000, 2000, 3000, 4000, vector.Length - 2 })
        {
            yield return Signed($"JSON truncated at {cut}", "json_malformed", () => vector[..cut]);
        }
        foreach (var (name, text) in new[]
        {
            ("trailing comma", "{\"Header\":{},}"), ("comment", "{/* x */\"Header\":{}}"), ("single quotes", "{'Header':{}}"), ("NaN", "{\"Header\":NaN}"),
            ("bare word", "{hello}"), ("two objects", "{}{}"), ("unterminated string", "{\"Header\":\"abc}"), ("invalid UTF-8", "{\"Header\":\"\u00ff\"}"),
        })
        {
            yield return Signed($"JSON {name}", "json_malformed", () => name == "invalid UTF-8" ? [.. "{\"Header\":\""u8, 0xC3, 0x28, .. "\"}"u8] : Encoding.UTF8.GetBytes(text));
        }
        foreach (var text in new[] { "[]", "1", "\"x\"", "null" })
        {
            yield return Signed($"JSON root {text}", "json_malformed", () => Encoding.UTF8.GetBytes(text));
        }
        yield return Signed("JSON nested arrays", "json_malformed", () => Encoding.UTF8.GetBytes("{\"Header\":[[1]]}"));
        foreach (var depth in new[] { 33, 100, 1000, 100000 })
        {
            yield return Signed($"JSON nested {depth} deep", "json_too_deep", () => Encoding.UTF8.GetBytes(new string('[', 0) + string.Concat(Enumerable.Repeat("{\"a\":", depth)) + "1" + new string('}', depth)));
        }
        foreach (var (name, text, code) in new[]
        {
            ("no Header", "{\"Payload\":{}}", "field_missing"), ("no Payload", "{\"Header\":{\"SenderIdentifier\":{\"CountryCode\":\"GB\",\"UniqueIdentifier\":\"GB-EXAMPLE-POLICE\"},\"TransactionIdentifier\":\"t\"}}", "field_missing"),
            ("no sender", "{\"Header\":{\"TransactionIdentifier\":\"t\"}}", "field_missing"),
            ("no transaction", "{\"Header\":{\"SenderIdentifier\":{\"CountryCode\":\"GB\",\"UniqueIdentifier\":\"GB-EXAMPLE-POLICE\"}}}", "field_missing"),
        })
        {
            yield return Signed($"JSON {name}", code, () => Encoding.UTF8.GetBytes(text));
        }
        var vectorText = Encoding.UTF8.GetString(vector);
        yield return Signed("ActionIdentifier not a number", "field_invalid", () => Encoding.UTF8.GetBytes(vectorText.Replace("\"ActionIdentifier\": 1", "\"ActionIdentifier\": \"one\"", StringComparison.Ordinal)));
        yield return Signed("ActionIdentifier twice", "field_invalid", () => Encoding.UTF8.GetBytes(vectorText.Replace("\"ActionIdentifier\": 1", "\"ActionIdentifier\": 0", StringComparison.Ordinal)));
        yield return Signed("xsi:type not a type", "xsi_type_invalid", () => Encoding.UTF8.GetBytes(vectorText.Replace("{http://uri.etsi.org/03120/common/2020/09/Task}LDTaskObject", "LDTaskObject", StringComparison.Ordinal)));
        yield return Signed("unsupported object type", "object_type_unsupported", () => Encoding.UTF8.GetBytes(vectorText.Replace("}LDTaskObject", "}LPTaskObject", StringComparison.Ordinal)));
        yield return Signed("ObjectIdentifier not a UUID", "object_identifier_invalid", () => Encoding.UTF8.GetBytes(vectorText.Replace("\"2c1bf5b3-1b8f-4d95-9b58-ab4c9e8d1b02\"", "\"task-1\"", StringComparison.Ordinal)));
        yield return Signed("document not base64", "document_invalid", () => Encoding.UTF8.GetBytes(vectorText.Replace("JVBERi0xLjQK", "!!!notbase64", StringComparison.Ordinal)));

        // Malformed and hostile XML.
        var xml = File.ReadAllText(Path.Combine(Repo.Root, "test", "Vigil.Tests", "Hi1", "create-production-order.xml"));
        foreach (var cut in new[] { 60, 300, 800, xml.Length / 4, xml.Length / 3, xml.Length / 2, xml.Length * 2 / 3, xml.Length * 4 / 5, xml.Length - 5 })
        {
            yield return Signed($"XML truncated at {cut}", "xml_malformed", () => Encoding.UTF8.GetBytes(xml[..cut]));
        }
        foreach (var (name, text, code) in new[]
        {
            ("mismatched tags", "<HI1Message xmlns=\"http://uri.etsi.org/03120/common/2019/10/Core\"><Header></Payload></HI1Message>", "xml_malformed"),
            ("two roots", "<HI1Message xmlns=\"http://uri.etsi.org/03120/common/2019/10/Core\"/><HI1Message/>", "xml_malformed"),
            ("undeclared prefix", "<HI1Message xmlns=\"http://uri.etsi.org/03120/common/2019/10/Core\"><x:Header/></HI1Message>", "xml_malformed"),
            ("wrong root", "<Message xmlns=\"http://uri.etsi.org/03120/common/2019/10/Core\"/>", "not_hi1"),
            ("wrong namespace", "<HI1Message xmlns=\"urn:other\"/>", "not_hi1"),
            ("no namespace", "<HI1Message/>", "not_hi1"),
            ("bad character", "<HI1Message xmlns=\"http://uri.etsi.org/03120/common/2019/10/Core\">\u0001</HI1Message>", "xml_malformed"),
            ("xsi:type undeclared prefix", "<HI1Message xmlns=\"http://uri.etsi.org/03120/common/2019/10/Core\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"><Header xsi:type=\"zz:T\"/></HI1Message>", "xsi_type_invalid"),
            ("XXE file", "<?xml version=\"1.0\"?><!DOCTYPE HI1Message [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]><HI1Message xmlns=\"http://uri.etsi.org/03120/common/2019/10/Core\">&xxe;</HI1Message>", "xml_dtd_prohibited"),
            ("XXE http", "<?xml version=\"1.0\"?><!DOCTYPE HI1Message [<!ENTITY xxe SYSTEM \"http://169.254.169.254/latest/meta-data/\">]><HI1Message xmlns=\"http://uri.etsi.org/03120/common/2019/10/Core\">&xxe;</HI1Message>", "xml_dtd_prohibited"),
            ("external DTD", "<?xml version=\"1.0\"?><!DOCTYPE HI1Message SYSTEM \"http://evil.example/hi1.dtd\"><HI1Message xmlns=\"http://uri.etsi.org/03120/common/2019/10/Core\"/>", "xml_dtd_prohibited"),
            ("parameter entity", "<?xml version=\"1.0\"?><!DOCTYPE HI1Message [<!ENTITY % p SYSTEM \"http://evil.example/p\"> %p;]><HI1Message xmlns=\"http://uri.etsi.org/03120/common/2019/10/Core\"/>", "xml_dtd_prohibited"),
            ("billion laughs", "<?xml version=\"1.0\"?><!DOCTYPE lolz [<!ENTITY lol \"lol\"><!ENTITY lol2 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\"><!ENTITY lol3 \"&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;\"><!ENTITY lol4 \"&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;\">]><HI1Message xmlns=\"http://uri.etsi.org/03120/common/2019/10/Core\">&lol4;</HI1Message>", "xml_dtd_prohibited"),
            ("quadratic blowup", "<?xml version=\"1.0\"?><!DOCTYPE HI1Message [<!ENTITY a \"" + new string('a', 50000) + "\">]><HI1Message xmlns=\"http://uri.etsi.org/03120/common/2019/10/Core\">" + string.Concat(Enumerable.Repeat("&a;", 1000)) + "</HI1Message>", "xml_dtd_prohibited"),
            ("undefined entity", "<HI1Message xmlns=\"http://uri.etsi.org/03120/common/2019/10/Core\">&xxe;</HI1Message>", "xml_malformed"),
        })
        {
            yield return Signed($"XML {name}", code, () => Encoding.UTF8.GetBytes(text));
        }
        foreach (var depth in new[] { 40, 1000, 50000 })
        {
            yield return Signed($"XML nested {depth} deep", "xml_too_deep", () => Encoding.UTF8.GetBytes(
                "<HI1Message xmlns=\"http://uri.etsi.org/03120/common/2019/10/Core\">" + string.Concat(Enumerable.Repeat("<a>", depth)) + string.Concat(Enumerable.Repeat("</a>", depth)) + "</HI1Message>"));
        }
    }

    [Fact]
    public void The_suite_has_at_least_200_hostile_requests() => Assert.True(Cases().Count() >= 200, $"{Cases().Count()} cases");

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task Every_hostile_request_is_refused_with_its_code_creates_no_order_and_is_written_to_the_ledger(string provider)
    {
        await using var s = await Hi1Server.StartAsync(provider);
        var failures = new List<string>();
        int n = 0;
        foreach (var c in Cases())
        {
            n++;
            var before = s.Server.Ledger.Size();
            Hi1ClientResponse r;
            try
            {
                r = await c.Send(s);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                failures.Add($"{c.Name}: {e.GetType().Name} {e.Message}");
                continue;
            }
            var codes = Hi1Server.Codes(r.Body);
            if (r.Status is < 400 or >= 500 || !codes.Contains(c.Code))
            {
                failures.Add($"{c.Name}: status {r.Status}, codes [{string.Join(",", codes)}], expected {c.Code}");
                continue;
            }
            var after = s.Server.Ledger.Size();
            var entry = s.LastLedgerEntry();
            if (after != before + 1 || entry.Event.Action != Hi1Intake.Refused || !entry.Event.Reason.Contains(c.Code, StringComparison.Ordinal))
            {
                failures.Add($"{c.Name}: ledger {before}->{after}, last {entry.Event.Action} '{entry.Event.Reason}'");
            }
        }
        Assert.True(n >= 200, $"{n} cases");
        Assert.True(failures.Count == 0, string.Join("\n", failures));
        Assert.Equal(0, await s.OrderCountAsync());
        Assert.DoesNotContain(s.Server.LedgerEntries(), e => e.Event.Reason.Contains("suspect@", StringComparison.OrdinalIgnoreCase));
    }
}
