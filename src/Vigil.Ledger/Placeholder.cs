namespace Vigil.Ledger; internal static class Placeholder { }
