using System.Globalization;
using Vigil.Ledger.Merkle;
using Vigil.Ledger.Notes;

namespace Vigil.Ledger;

/// <summary>The ledger's part of <c>vigil demo</c>: record the demo's actions, print a checkpoint, prove and verify one entry.</summary>
public static class LedgerDemo
{
    /// <summary>
    /// Appends <paramref name="actions"/> (concurrently, so they are group-committed), prints the signed checkpoint,
    /// then one entry's inclusion proof and the result of verifying it against the checkpoint with the verifier key.
    /// Returns true when the proof verified.
    /// </summary>
    public static async Task<bool> RunAsync(LedgerLog ledger, IReadOnlyList<LedgerEvent> actions, TextWriter output, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(ledger);
        ArgumentNullException.ThrowIfNull(actions);
        ArgumentNullException.ThrowIfNull(output);
        if (actions.Count == 0)
        {
            throw new ArgumentException("The demo needs at least one action to record.", nameof(actions));
        }

        long[] indices = await Task.WhenAll(actions.Select(a => ledger.AppendAsync(a, ct))).ConfigureAwait(false);
        for (int i = 0; i < actions.Count; i++)
        {
            LedgerEvent a = actions[i];
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"ledger #{indices[i]}: {a.Actor} ({a.Role}) {a.Action} {a.Subject.Type}/{a.Subject.Id}: {a.Reason}")).ConfigureAwait(false);
        }

        SignedCheckpoint checkpoint = ledger.Checkpoint();
        await output.WriteLineAsync("Signed checkpoint:").ConfigureAwait(false);
        await output.WriteAsync(checkpoint.Note).ConfigureAwait(false);

        long index = indices[0];
        InclusionProof proof = ledger.ProveInclusion(index, checkpoint.Checkpoint.Size);
        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"Inclusion proof of entry {index} in the tree of {proof.TreeSize} entries:")).ConfigureAwait(false);
        await output.WriteLineAsync("  leaf hash " + Convert.ToBase64String(proof.LeafHash)).ConfigureAwait(false);
        foreach (byte[] hash in proof.Hashes)
        {
            await output.WriteLineAsync("  " + Convert.ToBase64String(hash)).ConfigureAwait(false);
        }

        // Verify as an outsider would: from the entry's bytes, the served checkpoint and the verifier key only.
        NoteVerifier verifier = NoteVerifier.Parse(ledger.VerifierKey);
        Checkpoint served = SignedCheckpoint.Parse(checkpoint.Note, verifier).Checkpoint;
        byte[] leaf = Rfc6962.HashLeaf(ledger.ReadEntry(index).CanonicalJson);
        ProofCheck check = MerkleVerifier.VerifyInclusion((ulong)index, (ulong)served.Size, leaf, proof.Hashes, served.Root);
        await output.WriteLineAsync(check.IsValid
            ? "Proof verified against the signed checkpoint with key " + ledger.VerifierKey
            : "Proof did NOT verify: " + check.Error).ConfigureAwait(false);
        return check.IsValid;
    }
}
