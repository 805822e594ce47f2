using System.Net.Http.Headers;
using System.Text;

namespace Vigil.Hi1;

/// <summary>The answer to a request sent with <see cref="Hi1Client"/>.</summary>
public sealed record Hi1ClientResponse(int Status, string Body, string? ContentType);

/// <summary>An authority's HTTP client for <c>POST /hi1/v1</c>: encodes, signs and sends a message.</summary>
public sealed class Hi1Client(HttpClient http, Hi1Signer signer, TimeProvider time)
{
    /// <summary>Encodes <paramref name="message"/>, signs it with a fresh nonce and the current time, and posts it.</summary>
    public Task<Hi1ClientResponse> SendAsync(Hi1Node message, Hi1Encoding encoding, CancellationToken ct) =>
        PostJwsAsync(http, signer.Sign(Hi1Codec.Write(message, encoding), time.GetUtcNow()), ct);

    /// <summary>Posts a ready JWS (compact serialisation) as <c>application/jose</c>.</summary>
    public static async Task<Hi1ClientResponse> PostJwsAsync(HttpClient http, string jws, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(http);
        using var content = new StringContent(jws, Encoding.ASCII);
        content.Headers.ContentType = new MediaTypeHeaderValue(Hi1Intake.JoseMediaType);
        using var response = await http.PostAsync(new Uri(Hi1Endpoints.Route, UriKind.Relative), content, ct);
        return new Hi1ClientResponse((int)response.StatusCode, await response.Content.ReadAsStringAsync(ct), response.Content.Headers.ContentType?.MediaType);
    }
}
