namespace Vigil.Hashing.Text;

/// <summary>
/// Letters of other scripts that are drawn like a Latin letter and are used to dodge text matching.
/// </summary>
/// <remarks>
/// Both cases are listed, because the capital and the small form can look like different Latin letters
/// (Greek Η looks like H, η like n). Fullwidth and mathematical letters are not here: NFKC already maps
/// them. The fold is applied to all text, so genuine Cyrillic or Greek is folded too; that is consistent
/// for matching, and a false match between a real word and a Latin look-alike needs the whole shingle to agree.
/// </remarks>
internal static class Homoglyphs
{
    /// <summary>The lowercase Latin letter <paramref name="codePoint"/> imitates, or '\0'.</summary>
    public static char Fold(int codePoint) => codePoint switch
    {
        // Cyrillic capitals
        0x0405 => 's', 0x0406 => 'i', 0x0408 => 'j', 0x0410 => 'a', 0x0412 => 'b', 0x0415 => 'e',
        0x041A => 'k', 0x041C => 'm', 0x041D => 'h', 0x041E => 'o', 0x0420 => 'p', 0x0421 => 'c',
        0x0422 => 't', 0x0423 => 'y', 0x0425 => 'x', 0x04AE => 'y', 0x04BA => 'h', 0x04C0 => 'l',
        0x051A => 'q', 0x051C => 'w',
        // Cyrillic small letters
        0x0430 => 'a', 0x0432 => 'b', 0x0435 => 'e', 0x043A => 'k', 0x043C => 'm', 0x043D => 'h',
        0x043E => 'o', 0x0440 => 'p', 0x0441 => 'c', 0x0442 => 't', 0x0443 => 'y', 0x0445 => 'x',
        0x0455 => 's', 0x0456 => 'i', 0x0458 => 'j', 0x04AF => 'y', 0x04BB => 'h', 0x04CF => 'l',
        0x0501 => 'd', 0x051B => 'q', 0x051D => 'w',
        // Greek capitals
        0x037F => 'j', 0x0391 => 'a', 0x0392 => 'b', 0x0395 => 'e', 0x0396 => 'z', 0x0397 => 'h',
        0x0399 => 'i', 0x039A => 'k', 0x039C => 'm', 0x039D => 'n', 0x039F => 'o', 0x03A1 => 'p',
        0x03A4 => 't', 0x03A5 => 'y', 0x03A7 => 'x', 0x03F9 => 'c',
        // Greek small letters
        0x03B1 => 'a', 0x03B2 => 'b', 0x03B3 => 'y', 0x03B5 => 'e', 0x03B7 => 'n', 0x03B9 => 'i',
        0x03BA => 'k', 0x03BD => 'v', 0x03BF => 'o', 0x03C1 => 'p', 0x03C4 => 't', 0x03C5 => 'u',
        0x03C7 => 'x', 0x03C9 => 'w', 0x03F2 => 'c', 0x03F3 => 'j',
        // Latin letters outside ASCII that pass for ASCII ones
        0x0131 => 'i', 0x0237 => 'j', 0x0251 => 'a', 0x0261 => 'g', 0x0269 => 'i', 0x026A => 'i',
        0x028F => 'y',
        // Armenian
        0x0570 => 'h', 0x0578 => 'n', 0x057D => 'u', 0x0585 => 'o',
        // Lisu (drawn as Latin capitals)
        0xA4D0 => 'b', 0xA4D1 => 'p', 0xA4D3 => 'd', 0xA4D4 => 't', 0xA4D6 => 'g', 0xA4D7 => 'k',
        0xA4D9 => 'j', 0xA4DA => 'c', 0xA4DC => 'z', 0xA4DD => 'f', 0xA4DF => 'm', 0xA4E0 => 'n',
        0xA4E1 => 'l', 0xA4E2 => 's', 0xA4E3 => 'r', 0xA4E6 => 'v', 0xA4E7 => 'h', 0xA4EA => 'w',
        0xA4EB => 'x', 0xA4EC => 'y', 0xA4EE => 'a', 0xA4F0 => 'e', 0xA4F2 => 'i', 0xA4F3 => 'o',
        0xA4F4 => 'u',
        _ => '\0',
    };
}
