using System.CommandLine;
using System.Net;
using System.Text.RegularExpressions;
using Vigil.Cli;
using Vigil.Demo;
using Vigil.Tests.Server;

namespace Vigil.Tests.Demo;

public sealed partial class DemoServeTests
{
    /// <summary>Output that completes <see cref="Opened"/> once the demo says the desk is open.</summary>
    private sealed class WatchedOutput(string marker) : StringWriter
    {
        private readonly TaskCompletionSource opened = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task Opened => opened.Task;

        public override void Write(char value)
        {
            base.Write(value);
            Check();
        }

        public override void Write(string? value)
        {
            base.Write(value);
            Check();
        }

        public override void WriteLine(string? value)
        {
            base.WriteLine(value);
            Check();
        }

        public override Task WriteLineAsync(string? value)
        {
            WriteLine(value);
            return Task.CompletedTask;
        }

        private void Check()
        {
            if (!opened.Task.IsCompleted && GetStringBuilder().ToString().Contains(marker, StringComparison.Ordinal))
            {
                opened.TrySetResult();
            }
        }
    }

    [Fact]
    public async Task Serve_mode_feeds_checked_traffic_answers_health_signs_in_printed_staff_and_stops_on_cancel()
    {
        var data = Directory.CreateTempSubdirectory("vigil-demo-");
        try
        {
            var output = new WatchedOutput("(Ctrl+C stops it)");
            var error = new StringWriter();
            using var stop = new CancellationTokenSource(TimeSpan.FromMinutes(5));
            var run = VigilCommand.Create(TimeProvider.System)
                .Parse(["demo", "--urls", "http://127.0.0.1:0", "--data", data.FullName])
                .InvokeAsync(new InvocationConfiguration { Output = output, Error = error }, stop.Token);
            Assert.True(await Task.WhenAny(output.Opened, run) == output.Opened, $"the demo ended before serving:\n{output}\n{error}");

            var text = output.ToString();
            Assert.Contains("demo: all ", text, StringComparison.Ordinal);
            Assert.Contains($"[ok] all {DemoServer.Events} generated events are accepted: accepted {DemoServer.Events}, rejected 0", text, StringComparison.Ordinal);
            Assert.Contains($"[ok] a resent batch is answered as duplicates and stores nothing new: {DemoServer.BatchSize} of {DemoServer.BatchSize} duplicates", text, StringComparison.Ordinal);
            Assert.Contains("[ok] end-to-end encrypted DMs are stored as metadata only", text, StringComparison.Ordinal);
            Assert.Matches("altered re-posts of the propaganda posters", text);
            // What the detection pipeline did with the traffic.
            Assert.Contains("[ok] the detection pipeline decides every accepted event", text, StringComparison.Ordinal);
            Assert.Contains("[ok] every altered re-post of a bank poster is removed, and nothing else", text, StringComparison.Ordinal);
            Assert.Contains("[ok] each removal is preserved, queued for review and sent to the platform as a webhook", text, StringComparison.Ordinal);
            Assert.Contains("[ok] every threat to life is referred to its country's authority and queued as imminent", text, StringComparison.Ordinal);
            Assert.DoesNotContain("[FAILED]", text, StringComparison.Ordinal);
            var address = new Uri(OpenAt().Match(text).Groups[1].Value);
            Assert.NotEqual(0, address.Port);

            using var client = new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false }) { BaseAddress = address };
            Assert.Equal("ok\n", await client.GetStringAsync("/health"));

            // The printed credentials work: password, then the code computed from the printed secret.
            var admin = AdminLine().Match(text);
            Assert.True(admin.Success, text);
            var secret = Regex.Match(text, @"oathtool --totp -b ([A-Z2-7]{16,})").Groups[1].Value;
            Assert.Equal(HttpStatusCode.Redirect, (await RunningServer.PostPasswordAsync(client, admin.Groups[1].Value, admin.Groups[2].Value)).StatusCode);
            var second = await RunningServer.PostCodeAsync(client, Totp.Code(secret, TimeProvider.System.GetUtcNow()));
            Assert.Equal(HttpStatusCode.Redirect, second.StatusCode);
            Assert.Equal("/", second.Headers.Location?.OriginalString);

            var credentials = Path.Combine(data.FullName, DemoServer.CredentialsFile);
            var lines = await File.ReadAllLinesAsync(credentials);
            Assert.Equal(DemoServer.Staff.Select(s => s.Email), lines.Skip(1).Select(l => l.Split('\t')[0]));
            if (!OperatingSystem.IsWindows())
            {
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(credentials));
            }

            await stop.CancelAsync();
            var exit = await run;
            Assert.True(exit == 0, $"exit {exit}:\n{output}\n{error}");
            Assert.EndsWith("demo: stopped", output.ToString().TrimEnd(), StringComparison.Ordinal);
            await Assert.ThrowsAsync<HttpRequestException>(() => client.GetStringAsync("/health"));
        }
        finally
        {
            data.Delete(recursive: true);
        }
    }

    [GeneratedRegex(@"desk is open at (http://\S+)")]
    private static partial Regex OpenAt();

    [GeneratedRegex(@"admin\s+(admin@demo\.vigil\.example)\s+password (\S+)")]
    private static partial Regex AdminLine();
}
