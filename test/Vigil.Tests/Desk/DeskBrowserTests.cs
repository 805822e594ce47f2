using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using Vigil.Accounts;
using Vigil.Demo;
using Vigil.Moderation;
using Vigil.Tests.Server;
using Vigil.Tests.Support;

namespace Vigil.Tests.Desk;

/// <summary>One headless Chromium (the system's /usr/bin/chromium; never downloaded) shared by the class's tests.</summary>
public sealed class ChromiumFixture : IAsyncLifetime
{
    public const string Executable = "/usr/bin/chromium";

    private IPlaywright? playwright;

    public IBrowser Browser { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        if (!File.Exists(Executable))
        {
            throw new InvalidOperationException($"browser tests need Chromium at {Executable} (apt-get install chromium); they do not download browsers");
        }
        playwright = await Playwright.CreateAsync();
        Browser = await playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = Executable,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        });
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }
        playwright?.Dispose();
    }
}

public sealed class DeskBrowserTests(ChromiumFixture chromium) : IClassFixture<ChromiumFixture>
{
    private static readonly string Screenshots = Path.Combine(Repo.Root, "artifacts", "screenshots");

    private static async Task ShotAsync(IPage page, string name, string provider)
    {
        Directory.CreateDirectory(Screenshots);
        await page.ScreenshotAsync(new() { Path = Path.Combine(Screenshots, $"{name}-{provider}.png"), FullPage = true });
    }

    private async Task<IPage> SignInAsync(RunningServer server, NewStaffAccount account, string provider, bool shoot = false)
    {
        var context = await chromium.Browser.NewContextAsync(new() { BaseURL = server.Address.ToString(), ViewportSize = new() { Width = 1280, Height = 900 } });
        // CI runs browser and server tests side by side on two cores: Playwright's 30 s default is too tight there.
        context.SetDefaultTimeout(120_000);
        context.SetDefaultNavigationTimeout(120_000);
        var page = await context.NewPageAsync();
        await page.GotoAsync("/login");
        if (shoot)
        {
            await ShotAsync(page, "login", provider);
        }
        await BrowserSignIn.SignInAsync(page, account, url => url == server.Address.ToString());
        return page;
    }

    private static async Task<byte[]> ImageAsync(IPage page, string src)
    {
        var r = await page.Context.APIRequest.GetAsync(src);
        Assert.Equal(200, r.Status);
        return await r.BodyAsync();
    }

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task Moderators_work_the_queue_reveal_decide_appeal_and_review_blind_in_a_browser(string provider)
    {
        var (server, accounts) = await DeskKit.StartAsync(provider);
        await using var _s = server;
        DeskKit.Options(server).QualitySampleRate = 1;
        var (platform, _) = await DeskKit.PlatformAsync(server);
        using var poster = DemoImages.Poster(11);
        var jpeg = DemoImages.Jpeg(poster);
        var (imageItem, imageCase) = await DeskKit.FlagAsync(server, platform, "img-1", "acct-7", text: "our brothers show the way", image: jpeg, priority: 5);
        await DeskKit.FlagAsync(server, platform, "txt-1", "acct-7", text: "earlier post", priority: 1);

        // Moderator 1: sign in, take the top case, see it blurred, reveal it, decide with a statement of reasons.
        var mod1 = await SignInAsync(server, accounts[DeskKit.Mod1], provider, shoot: true);
        await mod1.GotoAsync("/desk");
        await ShotAsync(mod1, "queue", provider);
        await mod1.ClickAsync("#take-next button");
        await mod1.WaitForURLAsync($"**/desk/cases/{imageCase}");
        var img = mod1.Locator("#item-image");
        Assert.Contains("blurred", await img.GetAttributeAsync("class") ?? "", StringComparison.Ordinal);
        var blurredBytes = await ImageAsync(mod1, (await img.GetAttributeAsync("src"))!);
        Assert.NotEqual(jpeg, blurredBytes);
        Assert.True(await mod1.Locator("#other-items").IsVisibleAsync());
        await ShotAsync(mod1, "case-blurred", provider);
        await mod1.ClickAsync("#reveal button");
        await mod1.WaitForSelectorAsync("#item-image.revealed");
        Assert.Equal(jpeg, await ImageAsync(mod1, (await mod1.Locator("#item-image").GetAttributeAsync("src"))!));
        await ShotAsync(mod1, "case-revealed", provider);
        await mod1.SelectOptionAsync("#decide select[name=outcome]", "remove");
        await mod1.SelectOptionAsync("#decide select[name=policy]", "terrorist-content");
        await mod1.FillAsync("#decide textarea[name=facts]", "Image matches a known propaganda poster; caption glorifies the attackers.");
        await mod1.ClickAsync("#decide button[type=submit]");
        await mod1.WaitForSelectorAsync("#decision-outcome");
        Assert.Equal("remove", await mod1.InnerTextAsync("#decision-outcome"));
        await ShotAsync(mod1, "decided", provider);

        // The user complains; moderator 1 records it and may not decide it.
        await mod1.FillAsync("#complaint textarea[name=text]", "This is a news photo, not propaganda.");
        await mod1.ClickAsync("#complaint button");
        await mod1.WaitForURLAsync($"**/desk/cases/{imageCase}");
        long appealCase;
        await using (var db = server.Store.Store.CreateContext())
        {
            appealCase = (await db.Appeals.SingleAsync()).CaseId;
        }
        await mod1.GotoAsync($"/desk/cases/{appealCase}");
        Assert.True(await mod1.Locator("#excluded").IsVisibleAsync());
        Assert.Equal(0, await mod1.Locator("#assign, #decide").CountAsync());
        await mod1.GotoAsync("/desk?kind=Appeal");
        await mod1.ClickAsync("#take-next button");
        await mod1.WaitForSelectorAsync("#queue-empty");

        // Moderator 2 decides the appeal, seeing the original decision.
        var mod2 = await SignInAsync(server, accounts[DeskKit.Mod2], provider);
        await mod2.GotoAsync("/desk?kind=Appeal");
        await mod2.ClickAsync("#take-next button");
        await mod2.WaitForURLAsync($"**/desk/cases/{appealCase}");
        Assert.Contains(DeskKit.Mod1, await mod2.InnerTextAsync("#original-decision"), StringComparison.Ordinal);
        Assert.Equal("This is a news photo, not propaganda.", await mod2.InnerTextAsync("#appeal-text"));
        await ShotAsync(mod2, "appeal", provider);
        await mod2.SelectOptionAsync("#decide select[name=outcome]", "upheld");
        await mod2.FillAsync("#decide textarea[name=facts]", "The poster is the group's recruitment material; no news context.");
        await mod2.ClickAsync("#decide button[type=submit]");
        await mod2.WaitForSelectorAsync("#decision-outcome");
        Assert.Equal("upheld", await mod2.InnerTextAsync("#decision-outcome"));

        // Moderator 2 re-reviews moderator 1's decision blind.
        await mod2.GotoAsync("/desk?kind=QualitySample");
        await mod2.ClickAsync("#take-next button");
        await mod2.WaitForSelectorAsync("#blind");
        var blindText = await mod2.InnerTextAsync("body");
        Assert.DoesNotContain(DeskKit.Mod1, blindText, StringComparison.Ordinal);
        Assert.DoesNotContain("glorifies the attackers", blindText, StringComparison.Ordinal);
        Assert.Contains("blurred", await mod2.Locator("#item-image").GetAttributeAsync("class") ?? "", StringComparison.Ordinal);
        await ShotAsync(mod2, "quality-blind", provider);
        await mod2.SelectOptionAsync("#decide select[name=outcome]", "remove");
        await mod2.SelectOptionAsync("#decide select[name=policy]", "terrorist-content");
        await mod2.FillAsync("#decide textarea[name=facts]", "Known propaganda poster.");
        await mod2.ClickAsync("#decide button[type=submit]");
        await mod2.WaitForSelectorAsync("#agrees");
        Assert.Equal("yes", await mod2.InnerTextAsync("#agrees"));

        // The lead sees the agreement rate and exports valid statements of reasons.
        var lead = await SignInAsync(server, accounts[DeskKit.Lead], provider);
        await lead.GotoAsync("/desk/quality");
        Assert.Contains("100.0%", await lead.InnerTextAsync("#overall"), StringComparison.Ordinal);
        await ShotAsync(lead, "quality", provider);
        var export = await lead.Context.APIRequest.GetAsync("/desk/export/dsa");
        Assert.Equal(200, export.Status);
        var statements = DeskKit.Statements(await export.TextAsync());
        var statement = Assert.Single(statements);
        Assert.Empty(DsaStatementValidator.Problems(statement));
        Assert.Equal("Yes", statement["automated_detection"].GetString());

        var actions = server.LedgerEntries().Select(e => e.Event.Action).ToList();
        foreach (var a in new[] { ModerationDesk.ActionAssign, ModerationDesk.ActionReveal, ModerationDesk.ActionDecide, ModerationDesk.ActionAppealFiled,
            ModerationDesk.ActionAppealDecided, ModerationDesk.ActionQualityDecided, ModerationDesk.ActionExport })
        {
            Assert.Contains(a, actions);
        }
        Assert.Equal(imageItem.ToString(System.Globalization.CultureInfo.InvariantCulture),
            server.LedgerEntries().Single(e => e.Event.Action == ModerationDesk.ActionReveal).Event.Subject.Id);
        _ = JsonSerializer.Serialize(statement);
    }
}
