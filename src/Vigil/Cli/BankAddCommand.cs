using System.CommandLine;

namespace Vigil.Cli;

/// <summary><c>vigil bank add BANK FILE...</c>: hash media files into a bank (wired when hashing lands).</summary>
public static class BankAddCommand
{
    public static Command Create(TimeProvider time)
    {
        _ = time;
        return new Command("add", "Hash media files into a bank");
    }
}
