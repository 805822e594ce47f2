namespace Vigil.Hashing; internal static class Placeholder { }
