using System.Net;
using System.Text.Json;
using Microsoft.Playwright;
using Vigil.Accounts;
using Vigil.Tests.Server;
using Vigil.Tests.Support;

namespace Vigil.Tests.Ops;

public sealed class ApiReferenceTests
{
    private const string Moderator = "mo@example.org";
    private const string Chromium = "/usr/bin/chromium";

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task The_openapi_document_describes_ingest_with_its_errors_and_the_security_schemes(string provider)
    {
        var (server, accounts) = await RunningServer.StartAsync(provider, (Moderator, StaffRoles.Moderator));
        await using var _s = server;
        using var staff = await RunningServer.SignedInAsync(server, accounts[Moderator]);
        var response = await staff.GetAsync("/openapi/v1.json");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var root = doc.RootElement;

        var post = root.GetProperty("paths").GetProperty("/api/v1/events").GetProperty("post");
        Assert.Equal("PostEvents", post.GetProperty("operationId").GetString());
        Assert.Equal("Send a batch of content events", post.GetProperty("summary").GetString());
        var responses = post.GetProperty("responses");
        foreach (var code in new[] { "200", "400", "401", "413", "429" })
        {
            Assert.True(responses.TryGetProperty(code, out _), "no " + code + " response");
        }
        Assert.True(responses.GetProperty("429").GetProperty("content").TryGetProperty("application/problem+json", out _));
        var requestSchema = post.GetProperty("requestBody").GetProperty("content").GetProperty("application/json").GetProperty("schema").GetProperty("$ref").GetString();
        Assert.Equal("#/components/schemas/IngestBatchRequest", requestSchema);
        var schemas = root.GetProperty("components").GetProperty("schemas");
        var eventProps = schemas.GetProperty("IngestEventRequest").GetProperty("properties");
        foreach (var field in new[] { "item_id", "type", "account_id", "created_at", "text", "e2ee", "image_base64", "metadata" })
        {
            Assert.True(eventProps.TryGetProperty(field, out _), "event schema lacks " + field);
        }
        Assert.True(schemas.GetProperty("IngestEventResult").GetProperty("properties").TryGetProperty("status", out _));
        Assert.Equal("platformKey", Assert.Single(post.GetProperty("security").EnumerateArray()).EnumerateObject().Single().Name);

        var schemes = root.GetProperty("components").GetProperty("securitySchemes");
        Assert.Equal(("http", "bearer"), (schemes.GetProperty("platformKey").GetProperty("type").GetString(), schemes.GetProperty("platformKey").GetProperty("scheme").GetString()));
        Assert.Equal(("apiKey", "cookie", "vigil.auth"), (schemes.GetProperty("staffCookie").GetProperty("type").GetString(), schemes.GetProperty("staffCookie").GetProperty("in").GetString(), schemes.GetProperty("staffCookie").GetProperty("name").GetString()));
        var ledger = root.GetProperty("paths").GetProperty("/ledger/checkpoint").GetProperty("get");
        Assert.Equal("staffCookie", Assert.Single(ledger.GetProperty("security").EnumerateArray()).EnumerateObject().Single().Name);
        Assert.False(root.GetProperty("paths").TryGetProperty("/metrics", out _));

        // The reference page: staff only, and its CSP names no host but this one.
        using var anonymous = server.Client();
        Assert.Equal(HttpStatusCode.Redirect, (await anonymous.GetAsync("/docs/api/")).StatusCode);
        var page = await staff.GetAsync("/docs/api/");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var csp = string.Join(";", page.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("script-src 'self' 'nonce-", csp, StringComparison.Ordinal);
        Assert.DoesNotContain("http", csp, StringComparison.Ordinal);
        Assert.DoesNotContain("*", csp, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task A_signed_in_staff_member_sees_the_rendered_reference_with_no_request_leaving_the_host(string provider)
    {
        Assert.True(File.Exists(Chromium), $"{Chromium} is missing: install Debian's chromium package (apt-get install chromium)");
        var (server, accounts) = await RunningServer.StartAsync(provider, (Moderator, StaffRoles.Moderator));
        await using var _s = server;
        var account = accounts[Moderator];

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Chromium,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        });
        var context = await browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1400, Height = 1000 } });
        var outside = new List<string>();
        var problems = new List<string>();
        await context.RouteAsync("**/*", async route =>
        {
            var url = new Uri(route.Request.Url);
            if (url.Scheme is "http" or "https" && url.Host != "127.0.0.1")
            {
                lock (outside)
                {
                    outside.Add(route.Request.Url);
                }
                await route.AbortAsync();
                return;
            }
            await route.ContinueAsync();
        });
        // CI runs browser and server tests side by side on two cores: Playwright's 30 s default is too tight there.
        context.SetDefaultTimeout(120_000);
        context.SetDefaultNavigationTimeout(120_000);
        var page = await context.NewPageAsync();
        page.Console += (_, m) =>
        {
            lock (problems)
            {
                problems.Add(m.Type + ": " + m.Text);
            }
        };

        await page.GotoAsync(new Uri(server.Address, "/docs/api/").ToString());
        Assert.StartsWith("/login", new Uri(page.Url).AbsolutePath, StringComparison.Ordinal);
        await BrowserSignIn.SignInAsync(page, account, url => new Uri(url).AbsolutePath.StartsWith("/docs/api/", StringComparison.Ordinal), "button[type=submit], input[type=submit]");

        // The sidebar lists the operation; following it renders the operation with its path.
        var operation = page.GetByText("/api/v1/events").First;
        try
        {
            await page.GetByText("Send a batch of content events").First.ClickAsync(new LocatorClickOptions { Timeout = 60_000 });
            await operation.WaitForAsync(new LocatorWaitForOptions { Timeout = 60_000 });
        }
        catch (TimeoutException)
        {
            Directory.CreateDirectory(Path.Combine(Repo.Root, "artifacts", "screenshots"));
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Repo.Root, "artifacts", "screenshots", "api-reference-failed.png") });
            Assert.Fail($"the reference did not render the ingest operation; console:\n{string.Join('\n', problems)}\nblocked: {string.Join(", ", outside)}\nhtml: {(await page.ContentAsync())[..Math.Min(3000, (await page.ContentAsync()).Length)]}");
        }
        await operation.ScrollIntoViewIfNeededAsync();
        Assert.True(await operation.IsVisibleAsync());
        Assert.True(await page.GetByText("POST").First.IsVisibleAsync());

        Directory.CreateDirectory(Path.Combine(Repo.Root, "artifacts", "screenshots"));
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Repo.Root, "artifacts", "screenshots", "api-reference.png"), FullPage = false });
        Assert.Empty(outside);
        Assert.DoesNotContain(problems, p => p.Contains("Content Security Policy", StringComparison.OrdinalIgnoreCase));
    }
}
