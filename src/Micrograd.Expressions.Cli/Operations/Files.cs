namespace Micrograd.Expressions.Cli.Operations;

/// <summary>Output files checked before any work is done, so a long run is not lost to a file that cannot be written.</summary>
internal static class Files
{
    /// <summary>Refuses an output file whose directory does not exist.</summary>
    public static void CheckDirectory(FileInfo file)
    {
        if (file.Directory is { Exists: false } directory)
        {
            throw new RequestException($"cannot write {file.FullName}: the directory {directory.FullName} does not exist");
        }
    }

    /// <summary>
    /// Refuses an output file that cannot be written: a missing directory is a refused request, a file the
    /// process may not create or open for writing a failure of the work.
    /// </summary>
    public static void CheckWritable(FileInfo file)
    {
        CheckDirectory(file);
        var existed = file.Exists;
        try
        {
            using (new FileStream(file.FullName, FileMode.OpenOrCreate, FileAccess.Write))
            {
            }

            if (!existed)
            {
                File.Delete(file.FullName);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new WorkException($"cannot write {file.FullName}: {e.Message}");
        }
    }
}
