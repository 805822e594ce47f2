using System.Globalization;
using System.Text;

namespace Vigil.Hashing.Tests.Text;

/// <summary>A known "manifesto-style" text, unrelated texts of similar length, and the obfuscations people apply to dodge matching.</summary>
internal static class TextCorpus
{
    // A long rhetorical call to action, written for these tests; neutral in content, manifesto in form.
    public const string Manifesto =
        "We did not choose this moment, but this moment has chosen us. For too long we have watched the quiet places of our towns "
        + "close one by one: the reading rooms, the market halls, the river paths where neighbours once stopped to talk. In 2024 alone "
        + "our council sold three of them, and each time we were told it could not be helped. We say it can be helped. We say the commons "
        + "belong to those who use them, not to those who count them. Look around you. Every bench that is removed, every lamp that is "
        + "left dark, every door that is locked at five o'clock tells the same story. It is a story of people who no longer expect to "
        + "meet each other. We refuse to accept that story. We will gather in the squares on the first morning of every month, and we "
        + "will bring chairs, bread and books. We will ask each shopkeeper to leave one light burning. We will write the names of the "
        + "lost places on the pavement in chalk, so that nobody can pretend they never existed. Some will call this naive. Let them. It "
        + "was naive to build the first library, naive to plant the first orchard, naive to believe that strangers would share a well. "
        + "Those naive people built everything we now take for granted. Ten of us met last winter in a cold kitchen; by spring we were "
        + "10 people in every district. The work is slow and it is patient, and it does not need permission. It needs only that you "
        + "come, that you bring someone, and that you stay a little longer than is comfortable. The future of a town is decided by who "
        + "shows up. So show up. Bring your neighbour. Open the door and keep it open, because a town that forgets how to gather will "
        + "soon forget why it was built at all.";

    public static readonly string[] Unrelated =
    [
        "To bake a good country loaf you need patience more than skill. Begin the evening before by feeding your starter with equal "
        + "weights of flour and water, then leave it in a warm corner of the kitchen until it has doubled and smells pleasantly sour. "
        + "In the morning, mix most of the water with the flour and let the dough rest for an hour; this pause, called the autolyse, "
        + "lets the flour absorb the water and makes the gluten easier to develop. Add the starter and the salt with the last of the "
        + "water, squeezing the dough between your fingers until everything is even. Over the next three or four hours, fold the dough "
        + "every half hour: lift one edge, stretch it up and press it over the middle, then turn the bowl and repeat. You will feel it "
        + "change from a slack, sticky mass into something smooth and springy. When it has grown by about half and shows bubbles along "
        + "the sides, tip it onto a lightly floured counter and shape it into a tight round. Place it seam side up in a basket lined "
        + "with a well floured cloth, cover it, and leave it in the refrigerator overnight. The cold slows the yeast while the bacteria "
        + "keep developing flavour. Heat a heavy pot with its lid inside the oven for at least forty minutes at the highest temperature "
        + "your oven allows. Turn the loaf out onto a sheet of paper, score it with a sharp blade, and lower it into the pot. Bake with "
        + "the lid on for twenty minutes, then remove the lid and bake until the crust is deeply browned. Let it cool completely before "
        + "cutting, however hard that is.",
        "The committee met on Tuesday to review the condition of the water mains in the eastern district. The engineer's report found "
        + "that most pipes laid before the war are cast iron and have lost a significant share of their wall thickness to corrosion. "
        + "Leakage measured at night, when demand is lowest, suggests that roughly one fifth of treated water never reaches a tap. The "
        + "report recommends replacing the worst sections first, guided by the record of bursts over the last decade, rather than "
        + "following the street plan. Members asked whether lining the old pipes with a polymer sleeve would be cheaper than digging "
        + "trenches. The engineer replied that lining works well for straight runs without many connections, but most of the eastern "
        + "district has short runs with frequent service connections, where lining saves little. A resident representative raised the "
        + "disruption to traffic and to the weekly market, and asked that work near the market square be scheduled for the winter months "
        + "when trading is lighter. The treasurer noted that the capital budget allows for about four kilometres of replacement per "
        + "year, and that a grant application to the regional fund could double this if it is submitted before the end of the quarter. "
        + "The committee agreed to ask officers to prepare the grant application, to publish a map of the planned works, and to hold an "
        + "open session for residents of the affected streets. It also asked for a short report on lead service pipes, since several "
        + "older houses may still be connected through them. The next meeting will consider the draft programme and the results of the "
        + "pressure tests now under way.",
        "Keeping a bicycle in good order takes ten minutes a week and saves a great deal of trouble. Start with the tyres: check the "
        + "pressure with a gauge rather than by squeezing, because a tyre that feels firm may still be well below the figure printed on "
        + "its side. Under inflated tyres wear quickly and puncture easily when they strike a kerb. Next look at the chain. Wipe it with "
        + "a rag, then apply a drop of oil to each roller while turning the pedals backwards, and wipe off the excess so that it does not "
        + "collect grit. A chain that squeaks or looks orange with rust is asking for attention. Squeeze both brake levers firmly; they "
        + "should stop well before touching the handlebar. If they travel too far, turn the barrel adjuster a little until the pads bite "
        + "sooner, and check that the pads still have visible grooves. Spin each wheel and watch the gap between the rim and the brake "
        + "pads; a wobble means a spoke may be loose. Lift the bike a few centimetres and drop it gently to listen for rattles from "
        + "mudguards, racks or bottle cages, and tighten whatever is loose. Finally, try every gear while riding slowly on a quiet "
        + "street. If the chain hesitates or jumps, the cable has probably stretched, and a quarter turn of the adjuster at the rear "
        + "derailleur usually cures it. Once a season, take the bike to a workshop for the jobs that need special tools, such as "
        + "truing wheels, replacing worn cables and checking the bearings in the hubs and the headset.",
    ];

    private static readonly Dictionary<char, string> HomoglyphFor = new()
    {
        ['a'] = "\u0430", ['e'] = "\u0435", ['o'] = "\u043E", ['p'] = "\u0440", ['c'] = "\u0441", ['x'] = "\u0445",
        ['y'] = "\u0443", ['i'] = "\u0456", ['j'] = "\u0458", ['s'] = "\u0455", ['d'] = "\u0501", ['g'] = "\u0261",
        ['v'] = "\u03BD", ['t'] = "\u03C4", ['k'] = "\u03BA", ['A'] = "\u0391", ['E'] = "\u0415", ['T'] = "\u03A4",
        ['O'] = "\u039F", ['H'] = "\u041D", ['B'] = "\u0392", ['M'] = "\u041C", ['K'] = "\u039A", ['P'] = "\u0420",
    };

    private static readonly Dictionary<char, char> LeetFor = new()
    {
        ['a'] = '4', ['e'] = '3', ['o'] = '0', ['i'] = '1', ['s'] = '5', ['t'] = '7',
    };

    public static string[] Words(string text) => text.Split(' ', StringSplitOptions.RemoveEmptyEntries);

    public static string[] Sentences(string text) =>
        text.Split(". ", StringSplitOptions.RemoveEmptyEntries).Select(s => s.EndsWith('.') ? s : s + ".").ToArray();

    public static string AlternatingCase(string text) =>
        string.Concat(text.Select((c, i) => i % 2 == 0 ? char.ToUpperInvariant(c) : char.ToLowerInvariant(c)));

    /// <summary>Inserts invisible characters (zero-width space/joiners, word joiner, BOM, soft hyphen, variation selector) inside words.</summary>
    public static string WithZeroWidth(string text)
    {
        string[] invisible = ["\u200B", "\u200C", "\u200D", "\u2060", "\uFEFF", "\u00AD", "\uFE0F", "\u2063"];
        var sb = new StringBuilder();
        for (var i = 0; i < text.Length; i++)
        {
            sb.Append(text[i]);
            if (char.IsLetter(text[i]) && i % 3 == 0)
            {
                sb.Append(invisible[i % invisible.Length]);
            }
        }
        return sb.ToString();
    }

    /// <summary>Replaces Latin letters by Cyrillic/Greek look-alikes (<paramref name="every"/>: 1 = all that have one).</summary>
    public static string WithHomoglyphs(string text, int every = 1)
    {
        var sb = new StringBuilder();
        var n = 0;
        foreach (var c in text)
        {
            if (HomoglyphFor.TryGetValue(c, out var glyph) && n++ % every == 0)
            {
                sb.Append(glyph);
            }
            else
            {
                sb.Append(c);
            }
        }
        return sb.ToString();
    }

    /// <summary>Leetspeak in every run of letters, keeping at least one letter per run as people do to stay readable.</summary>
    public static string WithLeet(string text)
    {
        var chars = text.ToCharArray();
        for (var start = 0; start < chars.Length;)
        {
            if (!char.IsAsciiLetter(chars[start]))
            {
                start++;
                continue;
            }
            var end = start;
            while (end < chars.Length && char.IsAsciiLetter(chars[end]))
            {
                end++;
            }
            var letters = end - start;
            for (var i = start; i < end && letters > 1; i++)
            {
                if (LeetFor.TryGetValue(chars[i], out var digit))
                {
                    chars[i] = digit;
                    letters--;
                }
            }
            start = end;
        }
        return new string(chars);
    }

    /// <summary>Adds punctuation and whitespace between words: "word ,  -- word", tabs, new lines, "!!!".</summary>
    public static string WithExtraPunctuation(string text)
    {
        string[] separators = [" ,  ", " -- ", "\t", "\r\n", " ... ", "!!! ", " * ", "  \u3000 ", " \u00A0 "];
        var words = Words(text);
        var sb = new StringBuilder();
        for (var i = 0; i < words.Length; i++)
        {
            sb.Append(words[i]);
            sb.Append(i % 4 == 0 ? separators[i / 4 % separators.Length] : " ");
        }
        return "  \"" + sb + "\" ";
    }

    /// <summary>Fullwidth forms (U+FF01..U+FF5E, ideographic space).</summary>
    public static string Fullwidth(string text) =>
        string.Concat(text.Select(c => c == ' ' ? '\u3000' : c is > ' ' and <= '~' ? (char)(c - 0x21 + 0xFF01) : c));

    /// <summary>Stacks combining diacritics on letters ("Zalgo" text).</summary>
    public static string WithDiacritics(string text)
    {
        var sb = new StringBuilder();
        for (var i = 0; i < text.Length; i++)
        {
            sb.Append(text[i]);
            if (char.IsLetter(text[i]) && i % 2 == 0)
            {
                sb.Append('\u0301').Append('\u0336').Append('\u0489');
            }
        }
        return sb.ToString();
    }

    public static string InsertWords(string text, int count, int seed)
    {
        string[] fillers = ["really", "truly", "indeed", "friends", "today", "honestly", "always", "again", "together", "now"];
        var random = new Random(seed);
        var words = Words(text).ToList();
        for (var i = 0; i < count; i++)
        {
            words.Insert(random.Next(words.Count + 1), fillers[random.Next(fillers.Length)]);
        }
        return string.Join(' ', words);
    }

    public static string DeleteWords(string text, int count, int seed)
    {
        var random = new Random(seed);
        var words = Words(text).ToList();
        for (var i = 0; i < count; i++)
        {
            words.RemoveAt(random.Next(words.Count));
        }
        return string.Join(' ', words);
    }

    public static string ShuffleSentences(string text, int seed)
    {
        var sentences = Sentences(text);
        new Random(seed).Shuffle(sentences);
        return string.Join(' ', sentences);
    }

    public static string Describe(double value) => value.ToString("0.000", CultureInfo.InvariantCulture);
}
