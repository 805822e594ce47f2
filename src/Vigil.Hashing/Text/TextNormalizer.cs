using System.Buffers;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;

namespace Vigil.Hashing.Text;

/// <summary>
/// Reduces text to a canonical matching form, so that the usual obfuscations of a known text
/// (case, zero-width characters, homoglyphs, leetspeak, punctuation, fullwidth letters, stacked
/// diacritics) all give the same string. The result is for matching, not for display.
/// </summary>
/// <remarks>
/// Steps, in order (docs/text-hashing.md explains each choice):
/// <list type="number">
/// <item>Lone surrogates, format characters (Cf: zero-width space/joiners, U+2060..U+2064, BOM, soft hyphen,
/// bidi controls, tags), variation selectors, Hangul fillers and non-whitespace controls are removed.</item>
/// <item>NFKC (compatibility decomposition, canonical order, canonical composition) from frozen
/// Unicode 14 tables; between decomposition and composition the generic combining diacritics
/// (U+0300..U+036F, U+1AB0..U+1AFF, U+1DC0..U+1DFF, U+20D0..U+20FF, U+FE20..U+FE2F, U+0483..U+0489,
/// U+A670..U+A672) are dropped. Script-specific marks (Devanagari, Arabic, kana voicing...) are kept: they
/// change meaning there.</item>
/// <item>Homoglyphs (Cyrillic, Greek, Armenian, Lisu look-alikes of Latin letters) fold to the Latin letter,
/// everything else is lower-cased (invariant), with ß to "ss" and final sigma to sigma.</item>
/// <item>Leetspeak (0 1 3 4 5 7 @ $ !) folds to letters only inside a token that has a Latin letter,
/// except ordinals and decades ("21st", "1990s"); a token's trailing '!' stay punctuation.</item>
/// <item>Punctuation and symbols become spaces; whitespace collapses to one space; the ends are trimmed.</item>
/// </list>
/// Pure and culture-invariant; the output is idempotent: Normalize(Normalize(x)) == Normalize(x).
/// </remarks>
public static class TextNormalizer
{
    private const int MaxPasses = 4;

    /// <summary>Returns the canonical matching form of <paramref name="text"/> (see the type's remarks).</summary>
    public static string Normalize(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var result = NormalizeOnce(text);
        // Lower-casing after composition can, for a few exotic characters, give text that another pass
        // would change again; iterate (bounded) to a fixed point so the function is idempotent.
        // ASCII output is always a fixed point, which is the common case after homoglyph folding.
        for (var pass = 1; pass < MaxPasses && !Ascii.IsValid(result); pass++)
        {
            var again = NormalizeOnce(result);
            if (ReferenceEquals(again, result))
            {
                break;
            }
            result = again;
        }
        return result;
    }

    /// <summary>One pass of the pipeline; returns <paramref name="text"/> itself when nothing changes.</summary>
    internal static string NormalizeOnce(string text)
    {
        if (text.Length == 0)
        {
            return text;
        }
        var codePoints = ArrayPool<int>.Shared.Rent(text.Length + 16);
        char[]? output = null;
        try
        {
            int count;
            if (Ascii.IsValid(text))
            {
                // ASCII is its own NFKC form: skip straight to the mapping.
                for (var i = 0; i < text.Length; i++)
                {
                    codePoints[i] = text[i];
                }
                count = text.Length;
            }
            else
            {
                count = Decompose(text, ref codePoints);
                var span = codePoints.AsSpan(0, count);
                if (NeedsComposition(span))
                {
                    UnicodeNormalization.ReorderCanonically(span);
                    count = UnicodeNormalization.ComposeCanonically(span);
                }
            }
            // Each code point maps to at most two UTF-16 units (a supplementary letter, or ß -> "ss").
            output = ArrayPool<char>.Shared.Rent((count * 2) + 1);
            var length = Map(codePoints.AsSpan(0, count), output);
            var mapped = output.AsSpan(0, length);
            return mapped.SequenceEqual(text) ? text : new string(mapped);
        }
        finally
        {
            ArrayPool<int>.Shared.Return(codePoints);
            if (output is not null)
            {
                ArrayPool<char>.Shared.Return(output);
            }
        }
    }

    /// <summary>Sanitises and decomposes (NFKD) <paramref name="text"/> into code points, dropping the generic diacritics.</summary>
    private static int Decompose(string text, ref int[] buffer)
    {
        var count = 0;
        Span<int> hangul = stackalloc int[3];
        for (var i = 0; i < text.Length;)
        {
            var c = text[i];
            int cp;
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                cp = char.ConvertToUtf32(c, text[i + 1]);
                i += 2;
            }
            else
            {
                i++;
                if (char.IsSurrogate(c))
                {
                    // A lone surrogate encodes no character; dropping it keeps the rest of the text matchable.
                    continue;
                }
                cp = c;
            }
            if (cp < 0x80)
            {
                Append(ref buffer, ref count, cp);
                continue;
            }
            if (IsInvisible(cp))
            {
                continue;
            }
            if (UnicodeNormalization.IsHangulSyllable(cp))
            {
                var n = UnicodeNormalization.DecomposeHangul(cp, hangul);
                for (var k = 0; k < n; k++)
                {
                    Append(ref buffer, ref count, hangul[k]);
                }
                continue;
            }
            var decomposition = UnicodeNormalization.Decomposition(cp);
            if (decomposition.IsEmpty)
            {
                if (!IsObfuscationMark(cp))
                {
                    Append(ref buffer, ref count, cp);
                }
                continue;
            }
            foreach (var d in decomposition)
            {
                if (!IsObfuscationMark(d) && (d < 0x80 || !IsInvisible(d)))
                {
                    Append(ref buffer, ref count, d);
                }
            }
        }
        return count;
    }

    /// <summary>Most decomposed text (Latin with its diacritics stripped, look-alikes) has nothing left to reorder or compose.</summary>
    private static bool NeedsComposition(ReadOnlySpan<int> codePoints)
    {
        foreach (var cp in codePoints)
        {
            if (UnicodeNormalization.MayCombine(cp))
            {
                return true;
            }
        }
        return false;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Append(ref int[] buffer, ref int count, int codePoint)
    {
        if (count == buffer.Length)
        {
            Grow(ref buffer);
        }
        buffer[count++] = codePoint;
    }

    private static void Grow(ref int[] buffer)
    {
        var bigger = ArrayPool<int>.Shared.Rent(buffer.Length * 2);
        buffer.AsSpan().CopyTo(bigger);
        ArrayPool<int>.Shared.Return(buffer);
        buffer = bigger;
    }

    /// <summary>Characters that render as nothing (or are not text) and so only serve to break matching.</summary>
    private static bool IsInvisible(int cp)
    {
        if (cp is (>= 0xFE00 and <= 0xFE0F) or (>= 0xE0100 and <= 0xE01EF) or (>= 0x180B and <= 0x180D) or 0x180F
            or 0x115F or 0x1160 or 0x3164 or 0xFFA0)
        {
            return true;
        }
        var category = CharUnicodeInfo.GetUnicodeCategory(cp);
        return category == UnicodeCategory.Format
            || (category == UnicodeCategory.Control && !IsWhiteSpace(cp));
    }

    /// <summary>Combining marks from the script-neutral diacritic blocks: what "Zalgo" text and accent obfuscation use.</summary>
    private static bool IsObfuscationMark(int cp) =>
        cp is (>= 0x0300 and <= 0x036F) or (>= 0x1AB0 and <= 0x1AFF) or (>= 0x1DC0 and <= 0x1DFF)
            or (>= 0x20D0 and <= 0x20FF) or (>= 0xFE20 and <= 0xFE2F) or (>= 0x0483 and <= 0x0489)
            or (>= 0xA670 and <= 0xA672);

    private static bool IsWhiteSpace(int cp) => cp <= 0xFFFF && char.IsWhiteSpace((char)cp);

    private enum CharClass : byte
    {
        Removed,
        Separator,
        Letter,
        TokenOther,
        Leet,
    }

    private static CharClass Classify(int cp)
    {
        if (cp < 0x80)
        {
            if (char.IsAsciiLetter((char)cp))
            {
                return CharClass.Letter;
            }
            if (char.IsAsciiDigit((char)cp))
            {
                return CharClass.TokenOther;
            }
            if (cp is '@' or '$' or '!')
            {
                return CharClass.Leet;
            }
            return cp < 0x20 && !IsWhiteSpace(cp) || cp == 0x7F ? CharClass.Removed : CharClass.Separator;
        }
        switch (CharUnicodeInfo.GetUnicodeCategory(cp))
        {
            case UnicodeCategory.UppercaseLetter:
            case UnicodeCategory.LowercaseLetter:
            case UnicodeCategory.TitlecaseLetter:
            case UnicodeCategory.ModifierLetter:
            case UnicodeCategory.OtherLetter:
                return CharClass.Letter;
            case UnicodeCategory.NonSpacingMark:
            case UnicodeCategory.SpacingCombiningMark:
            case UnicodeCategory.EnclosingMark:
            case UnicodeCategory.DecimalDigitNumber:
            case UnicodeCategory.LetterNumber:
            case UnicodeCategory.OtherNumber:
            case UnicodeCategory.PrivateUse:
            case UnicodeCategory.OtherNotAssigned:
                return CharClass.TokenOther;
            case UnicodeCategory.Format:
            case UnicodeCategory.Surrogate:
                return CharClass.Removed;
            case UnicodeCategory.Control:
                return IsWhiteSpace(cp) ? CharClass.Separator : CharClass.Removed;
            default:
                // Separators, punctuation and symbols.
                return CharClass.Separator;
        }
    }

    /// <summary>Case and homoglyph folding, leetspeak, punctuation and whitespace, over NFKC code points.</summary>
    private static int Map(ReadOnlySpan<int> codePoints, Span<char> output)
    {
        var w = 0;
        var tokenStart = -1;
        var tokenHasLatin = false;
        var tokenHasOther = false; // digits, marks, @ $ !: only such tokens need the leetspeak pass
        foreach (var cp in codePoints)
        {
            if (cp < 0x80 && char.IsAsciiLetter((char)cp))
            {
                // The common case, kept off the classification and homoglyph switch.
                if (tokenStart < 0)
                {
                    tokenStart = w;
                }
                output[w++] = (char)(cp | 0x20);
                tokenHasLatin = true;
                continue;
            }
            switch (Classify(cp))
            {
                case CharClass.Removed:
                    break;
                case CharClass.Separator:
                    w = tokenHasOther ? EndToken(output, tokenStart, w, tokenHasLatin) : w;
                    tokenStart = -1;
                    tokenHasLatin = false;
                    tokenHasOther = false;
                    if (w > 0 && output[w - 1] != ' ')
                    {
                        output[w++] = ' ';
                    }
                    break;
                case CharClass.Letter:
                    if (tokenStart < 0)
                    {
                        tokenStart = w;
                    }
                    w = AppendLetter(cp, output, w);
                    tokenHasLatin |= char.IsAsciiLetterLower(output[w - 1]);
                    break;
                default:
                    if (tokenStart < 0)
                    {
                        tokenStart = w;
                    }
                    w = AppendCodePoint(cp, output, w);
                    tokenHasOther = true;
                    break;
            }
        }
        w = tokenHasOther ? EndToken(output, tokenStart, w, tokenHasLatin) : w;
        if (w > 0 && output[w - 1] == ' ')
        {
            w--;
        }
        return w;
    }

    private static int AppendLetter(int cp, Span<char> output, int w)
    {
        var folded = Homoglyphs.Fold(cp);
        if (folded == 0)
        {
            var lower = cp < 0x80 ? cp | 0x20 : Rune.ToLowerInvariant(new Rune(cp)).Value;
            if (lower == 0xDF)
            {
                // ß (and ẞ via its lowercase): the full case folding is "ss".
                output[w] = 's';
                output[w + 1] = 's';
                return w + 2;
            }
            if (lower == 0x3C2)
            {
                lower = 0x3C3; // final sigma folds to sigma
            }
            folded = Homoglyphs.Fold(lower);
            if (folded == 0)
            {
                return AppendCodePoint(lower, output, w);
            }
        }
        output[w] = folded;
        return w + 1;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int AppendCodePoint(int cp, Span<char> output, int w)
    {
        if (cp < 0x10000)
        {
            output[w] = (char)cp;
            return w + 1;
        }
        return w + new Rune(cp).EncodeToUtf16(output[w..]);
    }

    /// <summary>Applies the leetspeak rule to the token that ends at <paramref name="end"/>; returns the new end.</summary>
    private static int EndToken(Span<char> output, int start, int end, bool hasLatinLetter)
    {
        if (start < 0)
        {
            return end;
        }
        if (hasLatinLetter)
        {
            // "Stop!" and "stop!!!" end in punctuation, not in an obfuscated i.
            while (end > start && output[end - 1] == '!')
            {
                end--;
            }
            var token = output[start..end];
            if (!IsOrdinalOrDecade(token))
            {
                foreach (ref var c in token)
                {
                    c = c switch
                    {
                        '0' => 'o',
                        '1' or '!' => 'i',
                        '3' => 'e',
                        '4' or '@' => 'a',
                        '5' or '$' => 's',
                        '7' => 't',
                        _ => c,
                    };
                }
            }
            return end;
        }
        // No Latin letter ("2024", "$100", "10!"): the symbols are punctuation and the digits stay digits.
        var write = start;
        for (var read = start; read < end; read++)
        {
            var c = output[read];
            if (c is '@' or '$' or '!')
            {
                if (write > start && output[write - 1] != ' ')
                {
                    output[write++] = ' ';
                }
            }
            else
            {
                output[write++] = c;
            }
        }
        while (write > start && output[write - 1] == ' ')
        {
            write--;
        }
        return write;
    }

    /// <summary>
    /// "1st", "22nd", "3rd", "11th", "1990s", "80s": numbers a reader would not read as letters. Only a
    /// suffix that fits the number counts, so "4nd" (obfuscated "and") is still folded.
    /// </summary>
    private static bool IsOrdinalOrDecade(ReadOnlySpan<char> token)
    {
        var digits = 0;
        while (digits < token.Length && char.IsAsciiDigit(token[digits]))
        {
            digits++;
        }
        var suffix = token[digits..];
        if (digits == 0 || suffix.Length is not (1 or 2))
        {
            return false;
        }
        if (suffix.Length == 1)
        {
            return suffix[0] == 's' && digits >= 2 && token[digits - 1] == '0';
        }
        var last = token[digits - 1];
        var teen = digits >= 2 && token[digits - 2] == '1';
        var expected = teen ? "th" : last switch { '1' => "st", '2' => "nd", '3' => "rd", _ => "th" };
        return suffix.SequenceEqual(expected);
    }
}
