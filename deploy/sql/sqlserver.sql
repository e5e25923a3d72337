IF OBJECT_ID(N'[__EFMigrationsHistory]') IS NULL
BEGIN
    CREATE TABLE [__EFMigrationsHistory] (
        [MigrationId] nvarchar(150) NOT NULL,
        [ProductVersion] nvarchar(32) NOT NULL,
        CONSTRAINT [PK___EFMigrationsHistory] PRIMARY KEY ([MigrationId])
    );
END;
GO

BEGIN TRANSACTION;
IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261129210950_InitialCreate'
)
BEGIN
    CREATE TABLE [AuditEntries] (
        [Sequence] bigint NOT NULL IDENTITY,
        [At] datetimeoffset NOT NULL,
        [Actor] nvarchar(200) NOT NULL,
        [Action] nvarchar(100) NOT NULL,
        [EntityType] nvarchar(50) NOT NULL,
        [EntityId] nvarchar(40) NOT NULL,
        [Summary] nvarchar(500) NOT NULL,
        CONSTRAINT [PK_AuditEntries] PRIMARY KEY ([Sequence])
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261129210950_InitialCreate'
)
BEGIN
    CREATE TABLE [IdempotencyRecords] (
        [Key] nvarchar(300) NOT NULL,
        [RequestHash] nvarchar(64) NOT NULL,
        [ResourceId] nvarchar(40) NOT NULL,
        [Response] nvarchar(max) NOT NULL,
        [CreatedAt] datetimeoffset NOT NULL,
        CONSTRAINT [PK_IdempotencyRecords] PRIMARY KEY ([Key])
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261129210950_InitialCreate'
)
BEGIN
    CREATE TABLE [Programs] (
        [Id] nvarchar(40) NOT NULL,
        [Name] nvarchar(200) NOT NULL,
        [TimeZone] nvarchar(64) NOT NULL,
        [StartsOn] date NOT NULL,
        [Weeks] int NOT NULL,
        [SessionMinutes] int NOT NULL,
        [Holidays] nvarchar(max) NOT NULL,
        [SessionRate] decimal(18,2) NOT NULL,
        [PremiumRate] decimal(18,2) NOT NULL,
        [SigningBonus] decimal(18,2) NOT NULL,
        [Currency] nvarchar(3) NOT NULL,
        [PaymentWeekday] nvarchar(9) NOT NULL,
        [PaymentTime] time NOT NULL,
        [CreatedAt] datetimeoffset NOT NULL,
        CONSTRAINT [PK_Programs] PRIMARY KEY ([Id])
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261129210950_InitialCreate'
)
BEGIN
    CREATE TABLE [Providers] (
        [Id] nvarchar(40) NOT NULL,
        [Name] nvarchar(200) NOT NULL,
        [Npi] nvarchar(10) NOT NULL,
        [LicenseType] nvarchar(8) NOT NULL,
        [LicenseNumber] nvarchar(64) NOT NULL,
        [Email] nvarchar(254) NOT NULL,
        [Region] nvarchar(100) NOT NULL,
        [Modalities] nvarchar(max) NOT NULL,
        [Languages] nvarchar(max) NOT NULL,
        [Status] nvarchar(16) NOT NULL,
        [CreatedAt] datetimeoffset NOT NULL,
        CONSTRAINT [PK_Providers] PRIMARY KEY ([Id])
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261129210950_InitialCreate'
)
BEGIN
    CREATE TABLE [PaymentBatches] (
        [Id] nvarchar(40) NOT NULL,
        [ProgramId] nvarchar(40) NOT NULL,
        [Released] int NOT NULL,
        [Amount] decimal(18,2) NOT NULL,
        [Currency] nvarchar(3) NOT NULL,
        [CreatedAt] datetimeoffset NOT NULL,
        CONSTRAINT [PK_PaymentBatches] PRIMARY KEY ([Id]),
        CONSTRAINT [FK_PaymentBatches_Programs_ProgramId] FOREIGN KEY ([ProgramId]) REFERENCES [Programs] ([Id]) ON DELETE NO ACTION
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261129210950_InitialCreate'
)
BEGIN
    CREATE TABLE [Commitments] (
        [Id] nvarchar(40) NOT NULL,
        [ProgramId] nvarchar(40) NOT NULL,
        [ProviderId] nvarchar(40) NOT NULL,
        [SlotsPerDay] int NOT NULL,
        [WeekdayMask] int NOT NULL,
        [FirstSlotAt] time NOT NULL,
        [StartsOn] date NOT NULL,
        [Weeks] int NOT NULL,
        [ExcludedDates] nvarchar(max) NOT NULL,
        [EndsOn] date NOT NULL,
        [Status] nvarchar(16) NOT NULL,
        [TotalSlots] int NOT NULL,
        [WithdrawnEffectiveOn] date NULL,
        [WithdrawalReason] nvarchar(500) NULL,
        [WithdrawnAt] datetimeoffset NULL,
        [CreatedAt] datetimeoffset NOT NULL,
        [ActiveInProgramId] nvarchar(40) NULL,
        [BookingsVersion] bigint NOT NULL,
        CONSTRAINT [PK_Commitments] PRIMARY KEY ([Id]),
        CONSTRAINT [FK_Commitments_Programs_ProgramId] FOREIGN KEY ([ProgramId]) REFERENCES [Programs] ([Id]) ON DELETE NO ACTION,
        CONSTRAINT [FK_Commitments_Providers_ProviderId] FOREIGN KEY ([ProviderId]) REFERENCES [Providers] ([Id]) ON DELETE NO ACTION
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261129210950_InitialCreate'
)
BEGIN
    CREATE TABLE [Appointments] (
        [Id] nvarchar(40) NOT NULL,
        [ProgramId] nvarchar(40) NOT NULL,
        [ProviderId] nvarchar(40) NOT NULL,
        [CommitmentId] nvarchar(40) NOT NULL,
        [Region] nvarchar(100) NOT NULL,
        [LicenseType] nvarchar(8) NOT NULL,
        [Start] datetimeoffset NOT NULL,
        [End] datetimeoffset NOT NULL,
        [LocalDate] date NOT NULL,
        [Status] nvarchar(16) NOT NULL,
        [Kind] nvarchar(16) NOT NULL,
        [MemberRef] nvarchar(64) NOT NULL,
        [PreviousVisitOn] date NULL,
        [FollowUpDueBy] date NULL,
        [TimelyAccessMet] bit NULL,
        [Modality] nvarchar(16) NULL,
        [CancelReason] nvarchar(500) NULL,
        [CancelInitiatedBy] nvarchar(16) NULL,
        [RescheduledFromId] nvarchar(40) NULL,
        [RescheduledToId] nvarchar(40) NULL,
        [CreatedAt] datetimeoffset NOT NULL,
        [UpdatedAt] datetimeoffset NOT NULL,
        [HeldSlot] datetimeoffset NULL,
        CONSTRAINT [PK_Appointments] PRIMARY KEY ([Id]),
        CONSTRAINT [FK_Appointments_Commitments_CommitmentId] FOREIGN KEY ([CommitmentId]) REFERENCES [Commitments] ([Id]) ON DELETE NO ACTION,
        CONSTRAINT [FK_Appointments_Programs_ProgramId] FOREIGN KEY ([ProgramId]) REFERENCES [Programs] ([Id]) ON DELETE NO ACTION,
        CONSTRAINT [FK_Appointments_Providers_ProviderId] FOREIGN KEY ([ProviderId]) REFERENCES [Providers] ([Id]) ON DELETE NO ACTION
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261129210950_InitialCreate'
)
BEGIN
    CREATE TABLE [Payments] (
        [Id] nvarchar(40) NOT NULL,
        [ProgramId] nvarchar(40) NOT NULL,
        [ProviderId] nvarchar(40) NOT NULL,
        [CommitmentId] nvarchar(40) NOT NULL,
        [Kind] nvarchar(16) NOT NULL,
        [PeriodStart] date NULL,
        [PeriodEnd] date NULL,
        [Sessions] int NOT NULL,
        [UnitAmount] decimal(18,2) NOT NULL,
        [Amount] decimal(18,2) NOT NULL,
        [Currency] nvarchar(3) NOT NULL,
        [DueAt] datetimeoffset NOT NULL,
        [Status] nvarchar(16) NOT NULL,
        [ReleasedAt] datetimeoffset NULL,
        [BatchId] nvarchar(40) NULL,
        [AdjustsPaymentId] nvarchar(40) NULL,
        [CreatedAt] datetimeoffset NOT NULL,
        [UpdatedAt] datetimeoffset NOT NULL,
        CONSTRAINT [PK_Payments] PRIMARY KEY ([Id]),
        CONSTRAINT [FK_Payments_Commitments_CommitmentId] FOREIGN KEY ([CommitmentId]) REFERENCES [Commitments] ([Id]) ON DELETE NO ACTION,
        CONSTRAINT [FK_Payments_PaymentBatches_BatchId] FOREIGN KEY ([BatchId]) REFERENCES [PaymentBatches] ([Id]) ON DELETE NO ACTION,
        CONSTRAINT [FK_Payments_Programs_ProgramId] FOREIGN KEY ([ProgramId]) REFERENCES [Programs] ([Id]) ON DELETE NO ACTION,
        CONSTRAINT [FK_Payments_Providers_ProviderId] FOREIGN KEY ([ProviderId]) REFERENCES [Providers] ([Id]) ON DELETE NO ACTION
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261129210950_InitialCreate'
)
BEGIN
    CREATE TABLE [PaymentReleases] (
        [PaymentId] nvarchar(40) NOT NULL,
        [BatchId] nvarchar(40) NOT NULL,
        [ReleasedAt] datetimeoffset NOT NULL,
        CONSTRAINT [PK_PaymentReleases] PRIMARY KEY ([PaymentId]),
        CONSTRAINT [FK_PaymentReleases_PaymentBatches_BatchId] FOREIGN KEY ([BatchId]) REFERENCES [PaymentBatches] ([Id]) ON DELETE NO ACTION,
        CONSTRAINT [FK_PaymentReleases_Payments_PaymentId] FOREIGN KEY ([PaymentId]) REFERENCES [Payments] ([Id]) ON DELETE NO ACTION
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261129210950_InitialCreate'
)
BEGIN
    CREATE INDEX [IX_Appointments_CommitmentId] ON [Appointments] ([CommitmentId]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261129210950_InitialCreate'
)
BEGIN
    CREATE INDEX [IX_Appointments_ProgramId_Region_LicenseType_LocalDate_Kind_TimelyAccessMet_HeldSlot] ON [Appointments] ([ProgramId], [Region], [LicenseType], [LocalDate], [Kind], [TimelyAccessMet], [HeldSlot]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261129210950_InitialCreate'
)
BEGIN
    EXEC(N'CREATE UNIQUE INDEX [IX_Appointments_ProviderId_HeldSlot] ON [Appointments] ([ProviderId], [HeldSlot]) WHERE [HeldSlot] IS NOT NULL');
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261129210950_InitialCreate'
)
BEGIN
    CREATE INDEX [IX_AuditEntries_At] ON [AuditEntries] ([At]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261129210950_InitialCreate'
)
BEGIN
    CREATE INDEX [IX_AuditEntries_EntityType_EntityId_At] ON [AuditEntries] ([EntityType], [EntityId], [At]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261129210950_InitialCreate'
)
BEGIN
    CREATE INDEX [IX_Commitments_ProgramId] ON [Commitments] ([ProgramId]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261129210950_InitialCreate'
)
BEGIN
    EXEC(N'CREATE UNIQUE INDEX [IX_Commitments_ProviderId_ActiveInProgramId] ON [Commitments] ([ProviderId], [ActiveInProgramId]) WHERE [ActiveInProgramId] IS NOT NULL');
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261129210950_InitialCreate'
)
BEGIN
    CREATE INDEX [IX_PaymentBatches_ProgramId_CreatedAt] ON [PaymentBatches] ([ProgramId], [CreatedAt]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261129210950_InitialCreate'
)
BEGIN
    CREATE INDEX [IX_PaymentReleases_BatchId] ON [PaymentReleases] ([BatchId]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261129210950_InitialCreate'
)
BEGIN
    CREATE INDEX [IX_Payments_BatchId] ON [Payments] ([BatchId]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261129210950_InitialCreate'
)
BEGIN
    CREATE INDEX [IX_Payments_CommitmentId] ON [Payments] ([CommitmentId]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261129210950_InitialCreate'
)
BEGIN
    CREATE INDEX [IX_Payments_ProgramId_Status_DueAt] ON [Payments] ([ProgramId], [Status], [DueAt]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261129210950_InitialCreate'
)
BEGIN
    CREATE INDEX [IX_Payments_ProviderId_ProgramId] ON [Payments] ([ProviderId], [ProgramId]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261129210950_InitialCreate'
)
BEGIN
    CREATE INDEX [IX_Providers_Name_Id] ON [Providers] ([Name], [Id]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261129210950_InitialCreate'
)
BEGIN
    CREATE UNIQUE INDEX [IX_Providers_Npi] ON [Providers] ([Npi]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261129210950_InitialCreate'
)
BEGIN
    CREATE INDEX [IX_Providers_Region_LicenseType] ON [Providers] ([Region], [LicenseType]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261129210950_InitialCreate'
)
BEGIN
    EXEC(N'CREATE TRIGGER [Appointments_RequireCommittedDay] ON [Appointments] INSTEAD OF INSERT AS
    BEGIN
        SET NOCOUNT ON;
        DECLARE @Covered int;
        UPDATE c SET [BookingsVersion] = c.[BookingsVersion] + n.[Bookings]
        FROM [Commitments] AS c WITH (READCOMMITTEDLOCK)
        JOIN (SELECT [CommitmentId], COUNT(*) AS [Bookings], MAX([LocalDate]) AS [LastDay]
              FROM inserted GROUP BY [CommitmentId]) AS n ON n.[CommitmentId] = c.[Id]
        WHERE c.[EndsOn] >= n.[LastDay];
        SET @Covered = @@ROWCOUNT;
        IF @Covered < (SELECT COUNT(DISTINCT [CommitmentId]) FROM inserted)
            THROW 51000, N''not-a-committed-slot'', 1;
        INSERT INTO [Appointments] ([Id], [ProgramId], [ProviderId], [CommitmentId], [Region], [LicenseType],
            [Start], [End], [LocalDate], [Status], [Kind], [MemberRef], [PreviousVisitOn], [FollowUpDueBy],
            [TimelyAccessMet], [Modality], [CancelReason], [CancelInitiatedBy], [RescheduledFromId],
            [RescheduledToId], [CreatedAt], [UpdatedAt], [HeldSlot])
        SELECT [Id], [ProgramId], [ProviderId], [CommitmentId], [Region], [LicenseType],
            [Start], [End], [LocalDate], [Status], [Kind], [MemberRef], [PreviousVisitOn], [FollowUpDueBy],
            [TimelyAccessMet], [Modality], [CancelReason], [CancelInitiatedBy], [RescheduledFromId],
            [RescheduledToId], [CreatedAt], [UpdatedAt], [HeldSlot]
        FROM inserted;
    END')
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261129210950_InitialCreate'
)
BEGIN
    EXEC(N'CREATE TRIGGER [AuditEntries_AppendOnly] ON [AuditEntries] AFTER UPDATE, DELETE AS
    BEGIN
        SET NOCOUNT ON;
        IF EXISTS (SELECT 1 FROM deleted)
            THROW 51000, N''audit-append-only'', 1;
    END')
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261129210950_InitialCreate'
)
BEGIN
    CREATE TABLE [AuditEntries_NoTruncate] (
        [Sequence] bigint NULL CONSTRAINT [FK_AuditEntries_NoTruncate_AuditEntries] REFERENCES [AuditEntries] ([Sequence])
    )
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261129210950_InitialCreate'
)
BEGIN
    CREATE TABLE QRTZ_JOB_DETAILS (
      SCHED_NAME NVARCHAR(120) NOT NULL,
      JOB_NAME NVARCHAR(150) NOT NULL,
      JOB_GROUP NVARCHAR(150) NOT NULL,
      DESCRIPTION NVARCHAR(250) NULL,
      JOB_CLASS_NAME NVARCHAR(250) NOT NULL,
      IS_DURABLE BIT NOT NULL,
      IS_NONCONCURRENT BIT NOT NULL,
      IS_UPDATE_DATA BIT NOT NULL,
      REQUESTS_RECOVERY BIT NOT NULL,
      JOB_DATA VARBINARY(MAX) NULL,
      CONSTRAINT PK_QRTZ_JOB_DETAILS PRIMARY KEY (SCHED_NAME, JOB_NAME, JOB_GROUP)
    )
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261129210950_InitialCreate'
)
BEGIN
    CREATE TABLE QRTZ_TRIGGERS (
      SCHED_NAME NVARCHAR(120) NOT NULL,
      TRIGGER_NAME NVARCHAR(150) NOT NULL,
      TRIGGER_GROUP NVARCHAR(150) NOT NULL,
      JOB_NAME NVARCHAR(150) NOT NULL,
      JOB_GROUP NVARCHAR(150) NOT NULL,
      DESCRIPTION NVARCHAR(250) NULL,
      NEXT_FIRE_TIME BIGINT NULL,
      PREV_FIRE_TIME BIGINT NULL,
      PRIORITY INT NULL,
      TRIGGER_STATE NVARCHAR(16) NOT NULL,
      TRIGGER_TYPE NVARCHAR(8) NOT NULL,
      START_TIME BIGINT NOT NULL,
      END_TIME BIGINT NULL,
      CALENDAR_NAME NVARCHAR(200) NULL,
      MISFIRE_INSTR INT NULL,
      MISFIRE_ORIG_FIRE_TIME BIGINT NULL,
      EXECUTION_GROUP NVARCHAR(200) NULL,
      PREFERRED_NODE NVARCHAR(200) NULL,
      PREFERRED_NODE_AUTO BIT NOT NULL DEFAULT 0,
      RETRY_POLICY NVARCHAR(250) NULL,
      RETRY_ATTEMPT INT NULL,
      CONTINUES_TRIGGER_NAME NVARCHAR(150) NULL,
      CONTINUES_TRIGGER_GROUP NVARCHAR(150) NULL,
      CONTINUATION_CONDITION INT NULL,
      OVERLAP_POLICY INT NULL,
      PAUSE_REASON NVARCHAR(250) NULL,
      PAUSED_BY NVARCHAR(200) NULL,
      PAUSED_AT BIGINT NULL,
      MISFIRE_THRESHOLD BIGINT NULL,
      FIXED_DELAY BIT NULL,
      JOB_DATA VARBINARY(MAX) NULL,
      CONSTRAINT PK_QRTZ_TRIGGERS PRIMARY KEY (SCHED_NAME, TRIGGER_NAME, TRIGGER_GROUP),
      CONSTRAINT FK_QRTZ_TRIGGERS_JOB_DETAILS FOREIGN KEY (SCHED_NAME, JOB_NAME, JOB_GROUP) REFERENCES QRTZ_JOB_DETAILS (SCHED_NAME, JOB_NAME, JOB_GROUP)
    )
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261129210950_InitialCreate'
)
BEGIN
    CREATE TABLE QRTZ_SIMPLE_TRIGGERS (
      SCHED_NAME NVARCHAR(120) NOT NULL,
      TRIGGER_NAME NVARCHAR(150) NOT NULL,
      TRIGGER_GROUP NVARCHAR(150) NOT NULL,
      REPEAT_COUNT BIGINT NOT NULL,
      REPEAT_INTERVAL BIGINT NOT NULL,
      TIMES_TRIGGERED BIGINT NOT NULL,
      CONSTRAINT PK_QRTZ_SIMPLE_TRIGGERS PRIMARY KEY (SCHED_NAME, TRIGGER_NAME, TRIGGER_GROUP),
      CONSTRAINT FK_QRTZ_SIMPLE_TRIGGERS_TRIGGERS FOREIGN KEY (SCHED_NAME, TRIGGER_NAME, TRIGGER_GROUP) REFERENCES QRTZ_TRIGGERS (SCHED_NAME, TRIGGER_NAME, TRIGGER_GROUP) ON DELETE CASCADE
    )
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261129210950_InitialCreate'
)
BEGIN
    CREATE TABLE QRTZ_CRON_TRIGGERS (
      SCHED_NAME NVARCHAR(120) NOT NULL,
      TRIGGER_NAME NVARCHAR(150) NOT NULL,
      TRIGGER_GROUP NVARCHAR(150) NOT NULL,
      CRON_EXPRESSION NVARCHAR(250) NOT NULL,
      TIME_ZONE_ID NVARCHAR(80) NULL,
      CONSTRAINT PK_QRTZ_CRON_TRIGGERS PRIMARY KEY (SCHED_NAME, TRIGGER_NAME, TRIGGER_GROUP),
      CONSTRAINT FK_QRTZ_CRON_TRIGGERS_TRIGGERS FOREIGN KEY (SCHED_NAME, TRIGGER_NAME, TRIGGER_GROUP) REFERENCES QRTZ_TRIGGERS (SCHED_NAME, TRIGGER_NAME, TRIGGER_GROUP) ON DELETE CASCADE
    )
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261129210950_InitialCreate'
)
BEGIN
    CREATE TABLE QRTZ_SIMPROP_TRIGGERS (
      SCHED_NAME NVARCHAR(120) NOT NULL,
      TRIGGER_NAME NVARCHAR(150) NOT NULL,
      TRIGGER_GROUP NVARCHAR(150) NOT NULL,
      STR_PROP_1 NVARCHAR(512) NULL,
      STR_PROP_2 NVARCHAR(512) NULL,
      STR_PROP_3 NVARCHAR(512) NULL,
      INT_PROP_1 INT NULL,
      INT_PROP_2 INT NULL,
      LONG_PROP_1 BIGINT NULL,
      LONG_PROP_2 BIGINT NULL,
      DEC_PROP_1 NUMERIC(13,4) NULL,
      DEC_PROP_2 NUMERIC(13,4) NULL,
      BOOL_PROP_1 BIT NULL,
      BOOL_PROP_2 BIT NULL,
      TIME_ZONE_ID NVARCHAR(80) NULL,
      CONSTRAINT PK_QRTZ_SIMPROP_TRIGGERS PRIMARY KEY (SCHED_NAME, TRIGGER_NAME, TRIGGER_GROUP),
      CONSTRAINT FK_QRTZ_SIMPROP_TRIGGERS_TRIGGERS FOREIGN KEY (SCHED_NAME, TRIGGER_NAME, TRIGGER_GROUP) REFERENCES QRTZ_TRIGGERS (SCHED_NAME, TRIGGER_NAME, TRIGGER_GROUP) ON DELETE CASCADE
    )
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261129210950_InitialCreate'
)
BEGIN
    CREATE TABLE QRTZ_BLOB_TRIGGERS (
      SCHED_NAME NVARCHAR(120) NOT NULL,
      TRIGGER_NAME NVARCHAR(150) NOT NULL,
      TRIGGER_GROUP NVARCHAR(150) NOT NULL,
      BLOB_DATA VARBINARY(MAX) NULL,
      CONSTRAINT PK_QRTZ_BLOB_TRIGGERS PRIMARY KEY (SCHED_NAME, TRIGGER_NAME, TRIGGER_GROUP),
      CONSTRAINT FK_QRTZ_BLOB_TRIGGERS_TRIGGERS FOREIGN KEY (SCHED_NAME, TRIGGER_NAME, TRIGGER_GROUP) REFERENCES QRTZ_TRIGGERS (SCHED_NAME, TRIGGER_NAME, TRIGGER_GROUP) ON DELETE CASCADE
    )
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261129210950_InitialCreate'
)
BEGIN
    CREATE TABLE QRTZ_CALENDARS (
      SCHED_NAME NVARCHAR(120) NOT NULL,
      CALENDAR_NAME NVARCHAR(200) NOT NULL,
      CALENDAR VARBINARY(MAX) NOT NULL,
      CONSTRAINT PK_QRTZ_CALENDARS PRIMARY KEY (SCHED_NAME, CALENDAR_NAME)
    )
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261129210950_InitialCreate'
)
BEGIN
    CREATE TABLE QRTZ_PAUSED_TRIGGER_GRPS (
      SCHED_NAME NVARCHAR(120) NOT NULL,
      TRIGGER_GROUP NVARCHAR(150) NOT NULL,
      PAUSE_REASON NVARCHAR(250) NULL,
      PAUSED_BY NVARCHAR(200) NULL,
      PAUSED_AT BIGINT NULL,
      CONSTRAINT PK_QRTZ_PAUSED_TRIGGER_GRPS PRIMARY KEY (SCHED_NAME, TRIGGER_GROUP)
    )
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261129210950_InitialCreate'
)
BEGIN
    CREATE TABLE QRTZ_PAUSED_JOB_GRPS (
      SCHED_NAME NVARCHAR(120) NOT NULL,
      JOB_GROUP NVARCHAR(150) NOT NULL,
      PAUSE_REASON NVARCHAR(250) NULL,
      PAUSED_BY NVARCHAR(200) NULL,
      PAUSED_AT BIGINT NULL,
      CONSTRAINT PK_QRTZ_PAUSED_JOB_GRPS PRIMARY KEY (SCHED_NAME, JOB_GROUP)
    )
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261129210950_InitialCreate'
)
BEGIN
    CREATE TABLE QRTZ_FIRED_TRIGGERS (
      SCHED_NAME NVARCHAR(120) NOT NULL,
      ENTRY_ID NVARCHAR(140) NOT NULL,
      TRIGGER_NAME NVARCHAR(150) NOT NULL,
      TRIGGER_GROUP NVARCHAR(150) NOT NULL,
      INSTANCE_NAME NVARCHAR(200) NOT NULL,
      FIRED_TIME BIGINT NOT NULL,
      SCHED_TIME BIGINT NOT NULL,
      PRIORITY INT NOT NULL,
      STATE NVARCHAR(16) NOT NULL,
      JOB_NAME NVARCHAR(150) NULL,
      JOB_GROUP NVARCHAR(150) NULL,
      IS_NONCONCURRENT BIT NULL,
      REQUESTS_RECOVERY BIT NULL,
      EXECUTION_GROUP NVARCHAR(200) NULL,
      PROGRESS INT NULL,
      PROGRESS_MESSAGE NVARCHAR(250) NULL,
      INTERRUPT_REQUESTED_TIME BIGINT NULL,
      CONSTRAINT PK_QRTZ_FIRED_TRIGGERS PRIMARY KEY (SCHED_NAME, ENTRY_ID)
    )
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261129210950_InitialCreate'
)
BEGIN
    CREATE TABLE QRTZ_SCHEDULER_STATE (
      SCHED_NAME NVARCHAR(120) NOT NULL,
      INSTANCE_NAME NVARCHAR(200) NOT NULL,
      LAST_CHECKIN_TIME BIGINT NOT NULL,
      CHECKIN_INTERVAL BIGINT NOT NULL,
      QUARTZ_VERSION NVARCHAR(20) NULL,
      CONSTRAINT PK_QRTZ_SCHEDULER_STATE PRIMARY KEY (SCHED_NAME, INSTANCE_NAME)
    )
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261129210950_InitialCreate'
)
BEGIN
    CREATE TABLE QRTZ_LOCKS (
      SCHED_NAME NVARCHAR(120) NOT NULL,
      LOCK_NAME NVARCHAR(40) NOT NULL,
      CONSTRAINT PK_QRTZ_LOCKS PRIMARY KEY (SCHED_NAME, LOCK_NAME)
    )
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261129210950_InitialCreate'
)
BEGIN
    CREATE INDEX IDX_QRTZ_J_G_N ON QRTZ_JOB_DETAILS (SCHED_NAME, JOB_GROUP, JOB_NAME)
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261129210950_InitialCreate'
)
BEGIN
    CREATE INDEX IDX_QRTZ_T_J ON QRTZ_TRIGGERS (SCHED_NAME, JOB_NAME, JOB_GROUP)
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261129210950_InitialCreate'
)
BEGIN
    CREATE INDEX IDX_QRTZ_T_G_N ON QRTZ_TRIGGERS (SCHED_NAME, TRIGGER_GROUP, TRIGGER_NAME)
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261129210950_InitialCreate'
)
BEGIN
    CREATE INDEX IDX_QRTZ_T_C ON QRTZ_TRIGGERS (SCHED_NAME, CALENDAR_NAME)
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261129210950_InitialCreate'
)
BEGIN
    CREATE INDEX IDX_QRTZ_T_NFT_ST ON QRTZ_TRIGGERS (SCHED_NAME, TRIGGER_STATE, NEXT_FIRE_TIME, PRIORITY DESC, MISFIRE_INSTR)
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261129210950_InitialCreate'
)
BEGIN
    CREATE INDEX IDX_QRTZ_FT_INST_JOB_REQ_RCVRY ON QRTZ_FIRED_TRIGGERS (SCHED_NAME, INSTANCE_NAME, REQUESTS_RECOVERY)
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261129210950_InitialCreate'
)
BEGIN
    CREATE INDEX IDX_QRTZ_FT_J_G ON QRTZ_FIRED_TRIGGERS (SCHED_NAME, JOB_NAME, JOB_GROUP)
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261129210950_InitialCreate'
)
BEGIN
    CREATE INDEX IDX_QRTZ_FT_T_G ON QRTZ_FIRED_TRIGGERS (SCHED_NAME, TRIGGER_NAME, TRIGGER_GROUP)
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261129210950_InitialCreate'
)
BEGIN
    INSERT INTO [__EFMigrationsHistory] ([MigrationId], [ProductVersion])
    VALUES (N'20261129210950_InitialCreate', N'10.0.15');
END;

COMMIT;
GO

BEGIN TRANSACTION;
IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261129222730_ListIndexes'
)
BEGIN
    DROP INDEX [IX_PaymentBatches_ProgramId_CreatedAt] ON [PaymentBatches];
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261129222730_ListIndexes'
)
BEGIN
    DROP INDEX [IX_Commitments_ProgramId] ON [Commitments];
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261129222730_ListIndexes'
)
BEGIN
    CREATE INDEX [IX_Payments_ProgramId_Id] ON [Payments] ([ProgramId], [Id]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261129222730_ListIndexes'
)
BEGIN
    CREATE INDEX [IX_PaymentBatches_ProgramId_Id] ON [PaymentBatches] ([ProgramId], [Id]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261129222730_ListIndexes'
)
BEGIN
    CREATE INDEX [IX_Commitments_ProgramId_Id] ON [Commitments] ([ProgramId], [Id]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261129222730_ListIndexes'
)
BEGIN
    CREATE INDEX [IX_Appointments_MemberRef_Id] ON [Appointments] ([MemberRef], [Id]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261129222730_ListIndexes'
)
BEGIN
    CREATE INDEX [IX_Appointments_ProgramId_Id] ON [Appointments] ([ProgramId], [Id]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261129222730_ListIndexes'
)
BEGIN
    CREATE INDEX [IX_Appointments_ProviderId_Id] ON [Appointments] ([ProviderId], [Id]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261129222730_ListIndexes'
)
BEGIN
    INSERT INTO [__EFMigrationsHistory] ([MigrationId], [ProductVersion])
    VALUES (N'20261129222730_ListIndexes', N'10.0.15');
END;

COMMIT;
GO

BEGIN TRANSACTION;
IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261129223426_RegionDemand'
)
BEGIN
    CREATE TABLE [RegionDemands] (
        [Id] nvarchar(40) NOT NULL,
        [ProgramId] nvarchar(40) NOT NULL,
        [Region] nvarchar(100) NOT NULL,
        [SessionsPerWeek] int NOT NULL,
        [CreatedAt] datetimeoffset NOT NULL,
        [UpdatedAt] datetimeoffset NOT NULL,
        CONSTRAINT [PK_RegionDemands] PRIMARY KEY ([Id]),
        CONSTRAINT [FK_RegionDemands_Programs_ProgramId] FOREIGN KEY ([ProgramId]) REFERENCES [Programs] ([Id]) ON DELETE NO ACTION
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261129223426_RegionDemand'
)
BEGIN
    CREATE UNIQUE INDEX [IX_RegionDemands_ProgramId_Region] ON [RegionDemands] ([ProgramId], [Region]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261129223426_RegionDemand'
)
BEGIN
    INSERT INTO [__EFMigrationsHistory] ([MigrationId], [ProductVersion])
    VALUES (N'20261129223426_RegionDemand', N'10.0.15');
END;

COMMIT;
GO

BEGIN TRANSACTION;
IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261129224011_AppointmentRebooking'
)
BEGIN
    ALTER TABLE [Appointments] ADD [RebookedAsId] nvarchar(40) NULL;
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261129224011_AppointmentRebooking'
)
BEGIN
    ALTER TABLE [Appointments] ADD [RebookedFromId] nvarchar(40) NULL;
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261129224011_AppointmentRebooking'
)
BEGIN
    CREATE INDEX [IX_Appointments_ProgramId_Status_RebookedAsId] ON [Appointments] ([ProgramId], [Status], [RebookedAsId]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261129224011_AppointmentRebooking'
)
BEGIN
    EXEC(N'ALTER TRIGGER [Appointments_RequireCommittedDay] ON [Appointments] INSTEAD OF INSERT AS
    BEGIN
        SET NOCOUNT ON;
        DECLARE @Covered int;
        UPDATE c SET [BookingsVersion] = c.[BookingsVersion] + n.[Bookings]
        FROM [Commitments] AS c WITH (READCOMMITTEDLOCK)
        JOIN (SELECT [CommitmentId], COUNT(*) AS [Bookings], MAX([LocalDate]) AS [LastDay]
              FROM inserted GROUP BY [CommitmentId]) AS n ON n.[CommitmentId] = c.[Id]
        WHERE c.[EndsOn] >= n.[LastDay];
        SET @Covered = @@ROWCOUNT;
        IF @Covered < (SELECT COUNT(DISTINCT [CommitmentId]) FROM inserted)
            THROW 51000, N''not-a-committed-slot'', 1;
        INSERT INTO [Appointments] ([Id], [ProgramId], [ProviderId], [CommitmentId], [Region], [LicenseType],
            [Start], [End], [LocalDate], [Status], [Kind], [MemberRef], [PreviousVisitOn], [FollowUpDueBy],
            [TimelyAccessMet], [Modality], [CancelReason], [CancelInitiatedBy], [RescheduledFromId],
            [RescheduledToId], [RebookedAsId], [RebookedFromId], [CreatedAt], [UpdatedAt], [HeldSlot])
        SELECT [Id], [ProgramId], [ProviderId], [CommitmentId], [Region], [LicenseType],
            [Start], [End], [LocalDate], [Status], [Kind], [MemberRef], [PreviousVisitOn], [FollowUpDueBy],
            [TimelyAccessMet], [Modality], [CancelReason], [CancelInitiatedBy], [RescheduledFromId],
            [RescheduledToId], [RebookedAsId], [RebookedFromId], [CreatedAt], [UpdatedAt], [HeldSlot]
        FROM inserted;
    END')
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261129224011_AppointmentRebooking'
)
BEGIN
    INSERT INTO [__EFMigrationsHistory] ([MigrationId], [ProductVersion])
    VALUES (N'20261129224011_AppointmentRebooking', N'10.0.15');
END;

COMMIT;
GO

BEGIN TRANSACTION;
IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261130042124_FollowUpsHeldIndex'
)
BEGIN
    EXEC(N'CREATE INDEX [IX_Appointments_FollowUpsHeld] ON [Appointments] ([ProgramId], [TimelyAccessMet]) WHERE "Kind" = ''follow-up'' AND "HeldSlot" IS NOT NULL');
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261130042124_FollowUpsHeldIndex'
)
BEGIN
    INSERT INTO [__EFMigrationsHistory] ([MigrationId], [ProductVersion])
    VALUES (N'20261130042124_FollowUpsHeldIndex', N'10.0.15');
END;

COMMIT;
GO

BEGIN TRANSACTION;
IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261130043531_BookedCounts'
)
BEGIN
    CREATE TABLE [BookedCounts] (
        [ProgramId] nvarchar(40) NOT NULL,
        [Region] nvarchar(100) NOT NULL,
        [LicenseType] nvarchar(8) NOT NULL,
        [LocalDate] date NOT NULL,
        [Kind] nvarchar(16) NOT NULL,
        [TimelyAccess] int NOT NULL,
        [Count] int NOT NULL,
        CONSTRAINT [PK_BookedCounts] PRIMARY KEY ([ProgramId], [Region], [LicenseType], [LocalDate], [Kind], [TimelyAccess])
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261130043531_BookedCounts'
)
BEGIN
    INSERT INTO [BookedCounts] ([ProgramId], [Region], [LicenseType], [LocalDate], [Kind], [TimelyAccess], [Count])
    SELECT [ProgramId], [Region], [LicenseType], [LocalDate], [Kind], ISNULL(CAST([TimelyAccessMet] AS int), -1), COUNT(*)
    FROM [Appointments] WITH (TABLOCKX, HOLDLOCK) WHERE [HeldSlot] IS NOT NULL
    GROUP BY [ProgramId], [Region], [LicenseType], [LocalDate], [Kind], ISNULL(CAST([TimelyAccessMet] AS int), -1)
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261130043531_BookedCounts'
)
BEGIN
    EXEC(N'CREATE TRIGGER [Appointments_CountBooked] ON [Appointments] AFTER INSERT, UPDATE, DELETE AS
    BEGIN
        SET NOCOUNT ON;
        WITH [Changes] AS (
            SELECT [ProgramId], [Region], [LicenseType], [LocalDate], [Kind],
                   ISNULL(CAST([TimelyAccessMet] AS int), -1) AS [TimelyAccess], 1 AS [Delta]
            FROM inserted WHERE [HeldSlot] IS NOT NULL
            UNION ALL
            SELECT [ProgramId], [Region], [LicenseType], [LocalDate], [Kind],
                   ISNULL(CAST([TimelyAccessMet] AS int), -1), -1
            FROM deleted WHERE [HeldSlot] IS NOT NULL),
        [Net] AS (
            SELECT [ProgramId], [Region], [LicenseType], [LocalDate], [Kind], [TimelyAccess], SUM([Delta]) AS [Delta]
            FROM [Changes]
            GROUP BY [ProgramId], [Region], [LicenseType], [LocalDate], [Kind], [TimelyAccess]
            HAVING SUM([Delta]) <> 0)
        MERGE [BookedCounts] WITH (HOLDLOCK) AS t
        USING [Net] AS n
        ON t.[ProgramId] = n.[ProgramId] AND t.[Region] = n.[Region] AND t.[LicenseType] = n.[LicenseType]
           AND t.[LocalDate] = n.[LocalDate] AND t.[Kind] = n.[Kind] AND t.[TimelyAccess] = n.[TimelyAccess]
        WHEN MATCHED THEN UPDATE SET [Count] = t.[Count] + n.[Delta]
        WHEN NOT MATCHED THEN INSERT ([ProgramId], [Region], [LicenseType], [LocalDate], [Kind], [TimelyAccess], [Count])
            VALUES (n.[ProgramId], n.[Region], n.[LicenseType], n.[LocalDate], n.[Kind], n.[TimelyAccess], n.[Delta]);
    END')
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261130043531_BookedCounts'
)
BEGIN
    INSERT INTO [__EFMigrationsHistory] ([MigrationId], [ProductVersion])
    VALUES (N'20261130043531_BookedCounts', N'10.0.15');
END;

COMMIT;
GO

BEGIN TRANSACTION;
IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261130064540_CalendarFeeds'
)
BEGIN
    CREATE TABLE [CalendarFeeds] (
        [ProviderId] nvarchar(40) NOT NULL,
        [SecretHash] nvarchar(64) NOT NULL,
        [IssuedAt] datetimeoffset NOT NULL,
        CONSTRAINT [PK_CalendarFeeds] PRIMARY KEY ([ProviderId]),
        CONSTRAINT [FK_CalendarFeeds_Providers_ProviderId] FOREIGN KEY ([ProviderId]) REFERENCES [Providers] ([Id]) ON DELETE NO ACTION
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261130064540_CalendarFeeds'
)
BEGIN
    CREATE UNIQUE INDEX [IX_CalendarFeeds_SecretHash] ON [CalendarFeeds] ([SecretHash]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261130064540_CalendarFeeds'
)
BEGIN
    INSERT INTO [__EFMigrationsHistory] ([MigrationId], [ProductVersion])
    VALUES (N'20261130064540_CalendarFeeds', N'10.0.15');
END;

COMMIT;
GO

BEGIN TRANSACTION;
IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261130112514_IdempotencyExpiry'
)
BEGIN
    CREATE INDEX [IX_IdempotencyRecords_CreatedAt] ON [IdempotencyRecords] ([CreatedAt]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261130112514_IdempotencyExpiry'
)
BEGIN
    INSERT INTO [__EFMigrationsHistory] ([MigrationId], [ProductVersion])
    VALUES (N'20261130112514_IdempotencyExpiry', N'10.0.15');
END;

COMMIT;
GO

BEGIN TRANSACTION;
IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261130121800_Retention'
)
BEGIN
    ALTER TABLE [Programs] ADD [ClosedAt] datetimeoffset NULL;
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261130121800_Retention'
)
BEGIN
    ALTER TABLE [Programs] ADD [MemberDataHashedAt] datetimeoffset NULL;
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261130121800_Retention'
)
BEGIN
    ALTER TABLE [Programs] ADD [MemberSalt] varbinary(32) NULL;
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261130121800_Retention'
)
BEGIN
    ALTER TABLE [Appointments] ADD [MemberDataHashedAt] datetimeoffset NULL;
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261130121800_Retention'
)
BEGIN
    CREATE TABLE [RetentionRuns] (
        [Job] nvarchar(100) NOT NULL,
        [StartedAt] datetimeoffset NOT NULL,
        [FinishedAt] datetimeoffset NOT NULL,
        [Outcome] nvarchar(16) NOT NULL,
        [Affected] int NOT NULL,
        [Detail] nvarchar(500) NOT NULL,
        CONSTRAINT [PK_RetentionRuns] PRIMARY KEY ([Job])
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261130121800_Retention'
)
BEGIN
    EXEC(N'ALTER TRIGGER [Appointments_RequireCommittedDay] ON [Appointments] INSTEAD OF INSERT AS
    BEGIN
        SET NOCOUNT ON;
        DECLARE @Covered int;
        UPDATE c SET [BookingsVersion] = c.[BookingsVersion] + n.[Bookings]
        FROM [Commitments] AS c WITH (READCOMMITTEDLOCK)
        JOIN (SELECT [CommitmentId], COUNT(*) AS [Bookings], MAX([LocalDate]) AS [LastDay]
              FROM inserted GROUP BY [CommitmentId]) AS n ON n.[CommitmentId] = c.[Id]
        WHERE c.[EndsOn] >= n.[LastDay];
        SET @Covered = @@ROWCOUNT;
        IF @Covered < (SELECT COUNT(DISTINCT [CommitmentId]) FROM inserted)
            THROW 51000, N''not-a-committed-slot'', 1;
        INSERT INTO [Appointments] ([Id], [ProgramId], [ProviderId], [CommitmentId], [Region], [LicenseType],
            [Start], [End], [LocalDate], [Status], [Kind], [MemberRef], [PreviousVisitOn], [FollowUpDueBy],
            [TimelyAccessMet], [Modality], [CancelReason], [CancelInitiatedBy], [RescheduledFromId],
            [RescheduledToId], [RebookedAsId], [RebookedFromId], [CreatedAt], [UpdatedAt], [HeldSlot], [MemberDataHashedAt])
        SELECT [Id], [ProgramId], [ProviderId], [CommitmentId], [Region], [LicenseType],
            [Start], [End], [LocalDate], [Status], [Kind], [MemberRef], [PreviousVisitOn], [FollowUpDueBy],
            [TimelyAccessMet], [Modality], [CancelReason], [CancelInitiatedBy], [RescheduledFromId],
            [RescheduledToId], [RebookedAsId], [RebookedFromId], [CreatedAt], [UpdatedAt], [HeldSlot], [MemberDataHashedAt]
        FROM inserted;
    END')
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261130121800_Retention'
)
BEGIN
    INSERT INTO [__EFMigrationsHistory] ([MigrationId], [ProductVersion])
    VALUES (N'20261130121800_Retention', N'10.0.15');
END;

COMMIT;
GO

