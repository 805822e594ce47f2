using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Vigil.Tests.Webhooks;

/// <summary>A platform's webhook endpoint: Kestrel on 127.0.0.1, recording each request and answering what the test says.</summary>
internal sealed class Receiver : IAsyncDisposable
{
    private readonly WebApplication app;
    private readonly ConcurrentQueue<ReceivedRequest> requests = new();
    private TaskCompletionSource arrived = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private Receiver(WebApplication app, Uri url)
    {
        this.app = app;
        Url = url;
    }

    /// <summary>The URL to configure as the platform's webhook.</summary>
    public Uri Url { get; }

    /// <summary>What to answer; the default is 200.</summary>
    public Func<ReceivedRequest, Task<Answer>> Respond { get; set; } = _ => Task.FromResult(new Answer(200));

    public IReadOnlyList<ReceivedRequest> Requests => [.. requests];

    public static async Task<Receiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        Receiver? self = null;
        app.MapPost("/hooks/vigil", async (HttpContext ctx) =>
        {
            using var body = new MemoryStream();
            await ctx.Request.Body.CopyToAsync(body);
            var headers = ctx.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
            var request = new ReceivedRequest(headers, body.ToArray());
            var answer = await self!.Respond(request);
            request.Status = answer.Status;
            self.requests.Enqueue(request);
            Interlocked.Exchange(ref self.arrived, new(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
            foreach (var (name, value) in answer.Headers ?? [])
            {
                ctx.Response.Headers[name] = value;
            }
            ctx.Response.StatusCode = answer.Status;
        });
        await app.StartAsync();
        self = new Receiver(app, new Uri(new Uri(app.Urls.Single()), "/hooks/vigil"));
        return self;
    }

    /// <summary>Waits (up to 30 s of real time, a cap for loaded CI machines, not a sleep) until the recorded requests satisfy <paramref name="done"/>.</summary>
    public async Task WaitForAsync(Func<IReadOnlyList<ReceivedRequest>, bool> done)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (true)
        {
            var next = Volatile.Read(ref arrived).Task;
            if (done(Requests))
            {
                return;
            }
            await next.WaitAsync(timeout.Token);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }
}

/// <summary>One request the receiver got, and the status it answered.</summary>
internal sealed class ReceivedRequest(Dictionary<string, string> headers, byte[] body)
{
    public IReadOnlyDictionary<string, string> Headers { get; } = headers;

    public byte[] Body { get; } = body;

    public string Text => System.Text.Encoding.UTF8.GetString(Body);

    public int Status { get; set; }

    public long Timestamp => long.Parse(Headers["Vigil-Timestamp"], System.Globalization.CultureInfo.InvariantCulture);

    public long DeliveryId => long.Parse(Headers["Vigil-Delivery"], System.Globalization.CultureInfo.InvariantCulture);
}

internal sealed record Answer(int Status, Dictionary<string, string>? Headers = null);
