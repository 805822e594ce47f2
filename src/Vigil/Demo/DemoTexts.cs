namespace Vigil.Demo;

/// <summary>A fictional manifesto for the demo's text bank, its obfuscated re-post, and an unrelated text.</summary>
internal static class DemoTexts
{
    public const string Manifesto =
        "To every brother who reads this: the time of waiting is over. The Example Front calls on you to act. " +
        "Our enemies sleep in their barracks and believe themselves safe behind their walls. They are not safe. " +
        "Every soldier who wears their uniform has chosen his side and will answer for it. " +
        "Do not speak of this on open channels; find the brothers in your own town and prepare in silence. " +
        "Study the routes they walk each morning, learn the hours when the guard is changed, and wait for the sign. " +
        "When the sign comes, strike without hesitation and without mercy, for hesitation is the ally of our enemy. " +
        "Those who fall will be remembered, and those who hold back will be forgotten. The Example Front will rise.";

    /// <summary>
    /// The manifesto as it comes back: sentences reordered, words inserted and dropped, Cyrillic
    /// look-alike letters, leetspeak, zero-width spaces and shouting.
    /// </summary>
    public const string ObfuscatedRepost =
        "Study the routes they walk each morning, learn the hours when the guard is changed, and wait for the sign!!! " +
        "T\u043E every br\u043Eth\u0435r who r\u0435ads this: the time of waiting is OVER. The Ex\u0430mple Front calls on you to act now. " +
        "Our 3n3mies sl33p in their barracks and believe themselves safe behind their walls. They are not safe. " +
        "Ev\u200Bery soldier who wears their uniform has chosen his side and will answer for it. " +
        "When the sign comes, strike without hesitation, for hesitation is the ally of our enemy. " +
        "Do not speak of this on open channels; find the brothers in your own town and prepare in silence. " +
        "Th\u043Ese who fall will be remembered. THE EXAMPLE FRONT WILL RISE.";

    public const string Unrelated =
        "The allotment committee will meet on Thursday evening in the village hall to agree the rota for the summer. " +
        "Please bring your seed orders and any tools that need mending; the shed key is with Margaret as usual. " +
        "We will also discuss the water butts, the compost bays by the north fence, and the open day in July, " +
        "when the school children are coming to plant beans and sunflowers. Tea and cake will be provided, " +
        "and anyone who would like to help with the raffle should speak to the treasurer before the end of the month.";
}
