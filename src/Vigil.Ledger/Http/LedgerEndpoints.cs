using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Vigil.Ledger.Http;

/// <summary>
/// The ledger's read-only HTTP API for overseers: the latest checkpoint, proofs, and the log in the C2SP tlog-tiles
/// layout (<c>checkpoint</c>, <c>tile/L/N[.p/W]</c>, <c>tile/entries/N[.p/W]</c>) so a mirror can fetch it directly.
/// </summary>
public static class LedgerEndpoints
{
    /// <summary>
    /// Maps the endpoints under <paramref name="prefix"/> and returns the group, so the host can restrict it:
    /// <c>app.MapLedger(ledger).RequireAuthorization("overseer")</c>.
    /// </summary>
    public static RouteGroupBuilder MapLedger(this IEndpointRouteBuilder endpoints, LedgerLog ledger, string prefix = "/ledger")
    {
        ArgumentNullException.ThrowIfNull(ledger);
        RouteGroupBuilder group = endpoints.MapGroup(prefix);

        group.MapGet("/checkpoint", (HttpContext http) =>
        {
            http.Response.Headers.CacheControl = "no-cache";
            return Results.Text(ledger.Checkpoint().Note, "text/plain; charset=utf-8");
        });

        group.MapGet("/key", () => Results.Text(ledger.VerifierKey + "\n", "text/plain; charset=utf-8"));

        group.MapGet("/proof/inclusion", (long? index, long? size) =>
        {
            if (index is null)
            {
                return Results.Problem("Query parameter 'index' is required.", statusCode: 400);
            }

            try
            {
                long treeSize = size ?? ledger.Checkpoint().Checkpoint.Size;
                InclusionProof p = ledger.ProveInclusion(index.Value, treeSize);
                return Results.Json(new
                {
                    leafIdx = p.Index,
                    treeSize = p.TreeSize,
                    root = Convert.ToBase64String(p.Root),
                    leafHash = Convert.ToBase64String(p.LeafHash),
                    proof = p.Hashes.Select(Convert.ToBase64String).ToArray(),
                });
            }
            catch (ArgumentOutOfRangeException ex)
            {
                return Results.Problem(ex.Message, statusCode: 400);
            }
        });

        group.MapGet("/proof/consistency", (long? from, long? to) =>
        {
            if (from is null)
            {
                return Results.Problem("Query parameter 'from' is required.", statusCode: 400);
            }

            try
            {
                long toSize = to ?? ledger.Checkpoint().Checkpoint.Size;
                ConsistencyProof p = ledger.ProveConsistency(from.Value, toSize);
                return Results.Json(new
                {
                    size1 = p.FromSize,
                    size2 = p.ToSize,
                    root1 = Convert.ToBase64String(p.FromRoot),
                    root2 = Convert.ToBase64String(p.ToRoot),
                    proof = p.Hashes.Select(Convert.ToBase64String).ToArray(),
                });
            }
            catch (ArgumentOutOfRangeException ex)
            {
                return Results.Problem(ex.Message, statusCode: 400);
            }
        });

        group.MapGet("/tile/{**path}", (string path, HttpContext http) =>
        {
            if (!TryParseTilePath(path, out int level, out long index, out int width, out string? error))
            {
                return Results.Problem(error, statusCode: 400);
            }

            byte[]? body = level < 0 ? ledger.ReadEntryBundle(index, width) : ledger.ReadTile(level, index, width);
            if (body is null)
            {
                return Results.NotFound();
            }

            // Full tiles never change; partial ones are superseded by wider ones but never change either.
            http.Response.Headers.CacheControl = "public, max-age=31536000, immutable";
            return Results.Bytes(body, "application/octet-stream");
        });

        return group;
    }

    /// <summary>
    /// Parses <c>L/N[.p/W]</c> or <c>entries/N[.p/W]</c> (after <c>tile/</c>), where N is three-digit groups, all but the
    /// last prefixed with <c>x</c>. Entry bundles come back with level −1.
    /// </summary>
    public static bool TryParseTilePath(string path, out int level, out long index, out int width, out string? error)
    {
        level = 0;
        index = 0;
        width = 256;
        error = null;
        string[] parts = (path ?? "").Split('/');
        if (parts.Length < 2 || parts.Length > 12)
        {
            error = "A tile path is L/N[.p/W] or entries/N[.p/W].";
            return false;
        }

        if (parts[0] == "entries")
        {
            level = -1;
        }
        else if (parts[0].Length != 1 || parts[0][0] is < '0' or > '7')
        {
            error = $"Tile level '{parts[0]}' is not 0 to 7.";
            return false;
        }
        else
        {
            level = parts[0][0] - '0';
        }

        int last = parts.Length - 1;
        if (parts.Length >= 3 && parts[^2].EndsWith(".p", StringComparison.Ordinal))
        {
            if (!int.TryParse(parts[^1], NumberStyles.None, CultureInfo.InvariantCulture, out width) || width is < 1 or > 255
                || parts[^1].Length != width.ToString(CultureInfo.InvariantCulture).Length)
            {
                error = $"Partial tile width '{parts[^1]}' is not 1 to 255.";
                return false;
            }

            parts[^2] = parts[^2][..^2];
            last = parts.Length - 2;
        }

        for (int i = 1; i <= last; i++)
        {
            string element = parts[i];
            bool final = i == last;
            string digits = final ? element : element.StartsWith('x') ? element[1..] : "";
            if (digits.Length != 3 || !digits.All(char.IsAsciiDigit))
            {
                error = $"Path element '{element}' is not {(final ? "three digits" : "x and three digits")}.";
                return false;
            }

            if (index > (long.MaxValue - 999) / 1000)
            {
                error = "The tile index is too large.";
                return false;
            }

            index = (index * 1000) + int.Parse(digits, CultureInfo.InvariantCulture);
        }

        return true;
    }
}
