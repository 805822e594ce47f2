using Microsoft.EntityFrameworkCore;
using Vigil.Records;

namespace Vigil.Storage;

/// <summary>The records a platform keeps to answer orders (issue 6).</summary>
public abstract partial class VigilDb
{
    public DbSet<SubscriberRecord> SubscriberRecords => Set<SubscriberRecord>();
    public DbSet<AccessLogRecord> AccessLogs => Set<AccessLogRecord>();
    public DbSet<MessageMetadataRecord> MessageMetadata => Set<MessageMetadataRecord>();
    public DbSet<MessageParticipant> MessageParticipants => Set<MessageParticipant>();
    public DbSet<StoredContentRecord> StoredContent => Set<StoredContentRecord>();
    public DbSet<MediaHashRecord> MediaHashes => Set<MediaHashRecord>();
}
