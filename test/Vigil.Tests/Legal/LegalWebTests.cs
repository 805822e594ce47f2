using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Vigil.Authorities;
using Vigil.Orders;
using Vigil.Tests.Server;
using Vigil.Tests.Support;

namespace Vigil.Tests.Legal;

public sealed class LegalWebTests
{
    private static async Task<HttpResponseMessage> PostFormAsync(HttpClient client, string page, string action, Dictionary<string, string> fields)
    {
        fields["__RequestVerificationToken"] = await RunningServer.FormTokenAsync(client, page);
        return await client.PostAsync(action, new FormUrlEncodedContent(fields));
    }

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task Officers_see_the_inbox_and_order_page_decide_by_form_and_moderators_are_refused(string provider)
    {
        var (server, accounts) = await LegalWebKit.StartAsync(provider);
        await using var _ = server;
        var authority = await LegalWebKit.AuthorityAsync(server, "GB-MET");
        var id = await LegalWebKit.OrderAsync(server, authority, LegalInstrument.GenericLegalProcess, "MET/2026/001");
        var officer = await RunningServer.SignedInAsync(server, accounts[LegalWebKit.Officer1]);
        var page = $"/legal/orders/{id}";

        var inbox = await officer.GetStringAsync("/legal?instrument=LEGAL");
        Assert.Contains("MET/2026/001", inbox, StringComparison.Ordinal);
        Assert.DoesNotContain("MET/2026/001", await officer.GetStringAsync("/legal?instrument=TCO"), StringComparison.Ordinal);
        var html = await officer.GetStringAsync(page);
        Assert.Contains("ok: the order passes validation", html, StringComparison.Ordinal);
        Assert.Contains("0 of 2 approvals", html, StringComparison.Ordinal);
        Assert.Contains($"href=\"{page}/preview\"", html, StringComparison.Ordinal);
        Assert.Contains("acct-42", html, StringComparison.Ordinal);

        // Without the antiforgery token the form post is refused.
        var forged = await officer.PostAsync($"{page}/approve", new FormUrlEncodedContent(new Dictionary<string, string>()));
        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        var noGround = await PostFormAsync(officer, page, $"{page}/reject", new() { ["ground"] = "" });
        Assert.Equal(HttpStatusCode.BadRequest, noGround.StatusCode);
        Assert.Contains("ground: required", await noGround.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var clarify = await PostFormAsync(officer, page, $"{page}/clarify", new() { ["text"] = "Please confirm the account id." });
        Assert.Equal(HttpStatusCode.Redirect, clarify.StatusCode);
        Assert.Contains("clock stopped", await officer.GetStringAsync(page), StringComparison.Ordinal);
        Assert.Contains("badge paused", await officer.GetStringAsync("/legal"), StringComparison.Ordinal);

        var doc = await officer.GetAsync($"{page}/documents/{await DocumentIdAsync(server, id)}");
        Assert.Equal(HttpStatusCode.OK, doc.StatusCode);
        Assert.Equal("%PDF-1.4 production order", await doc.Content.ReadAsStringAsync());
        Assert.Equal("attachment", doc.Content.Headers.ContentDisposition?.DispositionType);

        var moderator = await RunningServer.SignedInAsync(server, accounts[LegalWebKit.Mod]);
        Assert.Equal(HttpStatusCode.Forbidden, (await moderator.GetAsync("/legal")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await moderator.GetAsync(page)).StatusCode);
        Assert.Contains(server.LedgerEntries(), e => e.Event.Action == "order.document_downloaded");
    }

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task An_authority_answers_only_its_own_orders_through_the_portal(string provider)
    {
        var (server, accounts) = await LegalWebKit.StartAsync(provider);
        await using var _ = server;
        var met = await LegalWebKit.AuthorityAsync(server, "GB-MET");
        var nca = await LegalWebKit.AuthorityAsync(server, "GB-NCA");
        var id = await LegalWebKit.OrderAsync(server, met, LegalInstrument.EuProductionOrder, "MET/2026/002");
        var officer = await RunningServer.SignedInAsync(server, accounts[LegalWebKit.Officer1]);
        var page = $"/legal/orders/{id}";
        Assert.Equal(HttpStatusCode.Redirect, (await PostFormAsync(officer, page, $"{page}/clarify", new() { ["text"] = "Which period?" })).StatusCode);

        var ncaUser = await RunningServer.SignedInAsync(server, await LegalWebKit.PortalUserAsync(server, "pc@nca.example", nca.Id));
        var wrong = await ncaUser.PostAsJsonAsync($"/portal/orders/{id}/messages", new { text = "January 2026" });
        Assert.Equal(HttpStatusCode.NotFound, wrong.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await ncaUser.PostAsJsonAsync("/portal/orders/999999/messages", new { text = "x" })).StatusCode);

        var metUser = await RunningServer.SignedInAsync(server, await LegalWebKit.PortalUserAsync(server, "pc@met.example", met.Id));
        var bad = await metUser.PostAsync($"/portal/orders/{id}/messages", new StringContent("{\"text\":", System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("line 1", await bad.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, (await metUser.PostAsync($"/portal/orders/{id}/messages", new FormUrlEncodedContent(new Dictionary<string, string> { ["text"] = "x" }))).StatusCode);
        var ok = await metUser.PostAsJsonAsync($"/portal/orders/{id}/messages", new { text = "January 2026" });
        Assert.Equal(HttpStatusCode.Created, ok.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await metUser.GetAsync("/legal")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await officer.PostAsJsonAsync($"/portal/orders/{id}/messages", new { text = "spoof" })).StatusCode);

        await using var db = server.Store.Store.CreateContext();
        Assert.Equal(OrderState.UnderReview, (await db.LegalOrders.SingleAsync(o => o.Id == id)).State);
        Assert.Equal(["Which period?", "January 2026"], await db.OrderMessages.OrderBy(m => m.Id).Select(m => m.Text).ToListAsync());
        Assert.Contains("January 2026", await officer.GetStringAsync(page), StringComparison.Ordinal);
    }

    private static async Task<long> DocumentIdAsync(RunningServer server, long orderId)
    {
        await using var db = server.Store.Store.CreateContext();
        return await db.OrderDocuments.Where(d => d.OrderId == orderId).Select(d => d.Id).SingleAsync();
    }
}
