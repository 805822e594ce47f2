using Microsoft.EntityFrameworkCore;
using Vigil.Authorities;
using Vigil.Ingest;
using Vigil.Legal;
using Vigil.Orders;
using Vigil.Pipeline;
using Vigil.Platforms;
using Vigil.Records;
using Vigil.Tests.Support;

namespace Vigil.Tests.Legal;

public sealed class OrderReviewTests
{
    private static readonly CancellationToken None = CancellationToken.None;

    private static async Task<LegalDeskException> Refused(Func<Task> action) => await Assert.ThrowsAsync<LegalDeskException>(action);

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task Clarification_pauses_the_deadline_and_the_authoritys_answer_resumes_it(string provider)
    {
        await using var kit = await LegalKit.CreateAsync(provider);
        var authority = await kit.AuthorityAsync();
        var id = await kit.OrderAsync(authority, LegalInstrument.EuProductionOrder, [LegalKit.Disclosure((SelectorKind.AccountId, "acct-1"))]);
        var due = (await kit.LoadAsync(id)).DueAt!.Value;
        await using var db = kit.Db();
        var review = kit.Review(db);

        Assert.Equal("text", (await Refused(() => review.RequestClarificationAsync(id, LegalKit.Alice, "  ", None))).Code);
        await review.RequestClarificationAsync(id, LegalKit.Alice, "Which account: acct-1 or acct-11?", None);
        Assert.Equal(OrderState.ClarificationRequested, (await kit.LoadAsync(id)).State);
        kit.Time.Advance(TimeSpan.FromHours(30));
        await review.RecordAnswerAsync(id, new LegalActor("officer@police.example", "authority_user"), authority.Id, "acct-1", None);

        var order = await kit.LoadAsync(id);
        Assert.Equal(OrderState.UnderReview, order.State);
        Assert.Equal(due + TimeSpan.FromHours(30), order.DueAt);
        Assert.Null(order.PausedAt);
        var messages = await db.OrderMessages.AsNoTracking().OrderBy(m => m.Id).ToListAsync();
        Assert.Equal([false, true], messages.Select(m => m.FromAuthority));
        var actions = kit.Events().Select(e => e.Action).ToList();
        Assert.Contains("order.clarification_requested", actions);
        Assert.Contains("order.message_received", actions);
        Assert.Contains("order.under_review", actions);
        Assert.DoesNotContain(kit.Events(), e => e.Reason.Contains("acct-11", StringComparison.Ordinal));

        // Another authority's portal user does not see the order at all.
        var other = await Refused(() => review.RecordAnswerAsync(id, new LegalActor("x@other.example", "authority_user"), authority.Id + 1000, "hello", None));
        Assert.Equal(404, other.Status);
    }

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task A_disclosing_order_needs_two_distinct_officers_and_never_its_submitter(string provider)
    {
        await using var kit = await LegalKit.CreateAsync(provider);
        var authority = await kit.AuthorityAsync();
        var id = await kit.OrderAsync(authority, LegalInstrument.EuProductionOrder, [LegalKit.Disclosure((SelectorKind.AccountId, "acct-1"))], submittedBy: LegalKit.Bob.User);
        await using var db = kit.Db();
        var review = kit.Review(db);

        var first = await review.ApproveAsync(id, LegalKit.Alice, None);
        Assert.Equal((OrderState.UnderReview, 1, 2), (first.State, first.Approvals, first.Required));
        Assert.Equal("already_approved", (await Refused(() => review.ApproveAsync(id, LegalKit.Alice, None))).Code);
        Assert.Equal("own_order", (await Refused(() => review.ApproveAsync(id, LegalKit.Bob, None))).Code);
        Assert.Equal("role", (await Refused(() => review.ApproveAsync(id, LegalKit.Moderator, None))).Code);
        Assert.Equal(OrderState.UnderReview, (await kit.LoadAsync(id)).State);

        var carol = new LegalActor("carol@example.org", "legal_officer");
        var second = await review.ApproveAsync(id, carol, None);
        Assert.Equal((OrderState.Approved, 2, 2), (second.State, second.Approvals, second.Required));
        var order = await kit.LoadAsync(id);
        Assert.Equal(OrderState.Approved, order.State);
        Assert.All(order.Tasks, t => Assert.Equal(TaskDecision.Approved, t.Decision));
        Assert.Equal([LegalKit.Alice.User, carol.User], await db.OrderApprovals.AsNoTracking().OrderBy(a => a.Id).Select(a => a.Officer).ToListAsync());

        var events = kit.Events();
        Assert.Contains(events, e => e.Action == "order.approval_recorded" && e.Reason == "1 of 2 approvals" && e.Actor == LegalKit.Alice.User);
        Assert.Equal(3, events.Count(e => e.Action == "order.refused"));
        Assert.Contains(events, e => e.Action == "order.approved" && e.Actor == carol.User);
    }

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task Task_decisions_make_an_order_partially_approved_and_withdraw_earlier_approvals(string provider)
    {
        await using var kit = await LegalKit.CreateAsync(provider);
        var authority = await kit.AuthorityAsync();
        var id = await kit.OrderAsync(authority, LegalInstrument.GenericLegalProcess,
            [LegalKit.Disclosure((SelectorKind.AccountId, "acct-1")), LegalKit.Disclosure((SelectorKind.AccountId, "acct-2"))]);
        var tasks = (await kit.LoadAsync(id)).Tasks.OrderBy(t => t.Id).ToList();
        await using var db = kit.Db();
        var review = kit.Review(db);

        Assert.Equal("ground", (await Refused(() => review.DecideTaskAsync(id, tasks[1].Id, TaskDecision.Rejected, null, LegalKit.Alice, None))).Code);
        Assert.Equal("ground", (await Refused(() => review.DecideTaskAsync(id, tasks[1].Id, TaskDecision.Rejected, "because", LegalKit.Alice, None))).Code);
        Assert.Equal(404, (await Refused(() => review.DecideTaskAsync(id, 999_999, TaskDecision.Approved, null, LegalKit.Alice, None))).Status);
        await review.ApproveAsync(id, LegalKit.Alice, None);
        await review.DecideTaskAsync(id, tasks[1].Id, TaskDecision.Rejected, "data_not_held", LegalKit.Bob, None);
        Assert.Equal(0, await db.OrderApprovals.CountAsync());
        Assert.Contains(kit.Events(), e => e.Action == "order.approvals_withdrawn");

        await review.ApproveAsync(id, LegalKit.Alice, None);
        var done = await review.ApproveAsync(id, LegalKit.Bob, None);
        Assert.Equal(OrderState.PartiallyApproved, done.State);
        var order = await kit.LoadAsync(id);
        Assert.Equal([TaskDecision.Approved, TaskDecision.Rejected], order.Tasks.OrderBy(t => t.Id).Select(t => t.Decision));
        Assert.Equal("data_not_held", (await db.OrderTaskDecisions.AsNoTracking().SingleAsync(d => d.TaskId == tasks[1].Id)).Ground);
    }

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task Rejection_needs_a_known_ground_and_only_valid_transitions_happen(string provider)
    {
        await using var kit = await LegalKit.CreateAsync(provider);
        var authority = await kit.AuthorityAsync();
        var id = await kit.OrderAsync(authority, LegalInstrument.EuDsaOrder, [LegalKit.Disclosure((SelectorKind.Username, "someone"))]);
        await using var db = kit.Db();
        var review = kit.Review(db);

        Assert.Equal(400, (await Refused(() => review.RejectAsync(id, "", "no", LegalKit.Alice, None))).Status);
        Assert.Equal(400, (await Refused(() => review.RejectAsync(id, "dislike", "no", LegalKit.Alice, None))).Status);
        await review.SuspendAsync(id, "legal challenge pending", LegalKit.Alice, None);
        Assert.Equal(OrderState.Suspended, (await kit.LoadAsync(id)).State);
        Assert.Equal("invalid_state", (await Refused(() => review.ApproveAsync(id, LegalKit.Alice, None))).Code);
        Assert.Equal("reason", (await Refused(() => review.ResumeAsync(id, "", LegalKit.Alice, None))).Code);
        await review.ResumeAsync(id, "challenge dismissed", LegalKit.Alice, None);
        await review.RejectAsync(id, "outside_jurisdiction", "the account is not on our service in that country", LegalKit.Alice, None);

        var order = await kit.LoadAsync(id);
        Assert.Equal((OrderState.Rejected, "outside_jurisdiction"), (order.State, order.RejectionGround));
        Assert.Equal("invalid_state", (await Refused(() => review.SuspendAsync(id, "late", LegalKit.Alice, None))).Code);
        Assert.Equal("invalid_state", (await Refused(() => review.RequestClarificationAsync(id, LegalKit.Alice, "?", None))).Code);
        var transitions = await db.OrderTransitions.AsNoTracking().Where(t => t.OrderId == id).OrderBy(t => t.Id).Select(t => t.To).ToListAsync();
        Assert.Equal([OrderState.Authenticated, OrderState.UnderReview, OrderState.Suspended, OrderState.UnderReview, OrderState.Rejected], transitions);
        var events = kit.Events();
        Assert.Contains(events, e => e.Action == "order.rejected" && e.Reason.Contains("ground outside_jurisdiction", StringComparison.Ordinal));
        Assert.Equal(6, events.Count(e => e.Action == "order.refused"));
    }

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task A_uk_us_order_whose_selector_resolves_to_a_us_person_is_refused_with_ground_us_person(string provider)
    {
        await using var kit = await LegalKit.CreateAsync(provider);
        var authority = await kit.AuthorityAsync("GB-NCA");
        await using (var seed = kit.Db())
        {
            seed.Platforms.Add(new Platform { Name = "chirp", CreatedAt = LegalKit.Start });
            await seed.SaveChangesAsync();
            var platform = await seed.Platforms.SingleAsync();
            seed.SubscriberRecords.AddRange(
                new SubscriberRecord { PlatformId = platform.Id, AccountId = "us-1", Email = "jane@example.com", Phone = "+12025550143", UsPerson = true, RecordedAt = LegalKit.Start },
                new SubscriberRecord { PlatformId = platform.Id, AccountId = "gb-1", Email = "tom@example.co.uk", UsPerson = false, RecordedAt = LegalKit.Start });
            await seed.SaveChangesAsync();
        }
        // The selector as the authority typed it; the records hold it normalised.
        var onlyUs = await kit.OrderAsync(authority, LegalInstrument.UkUsOverseasProductionOrder, [LegalKit.Disclosure((SelectorKind.EmailAddress, "jane@example.com"))], reference: "OPO-1");
        var mixed = await kit.OrderAsync(authority, LegalInstrument.UkUsOverseasProductionOrder,
            [LegalKit.Disclosure((SelectorKind.AccountId, "gb-1")), LegalKit.Disclosure((SelectorKind.PhoneNumber, "+1 202-555-0143"))], reference: "OPO-2");
        await using var db = kit.Db();
        var review = kit.Review(db);

        var refused = await Refused(() => review.ApproveAsync(onlyUs, LegalKit.Alice, None));
        Assert.Equal("us_person", refused.Code);
        var order = await kit.LoadAsync(onlyUs);
        Assert.Equal(OrderState.UnderReview, order.State);
        Assert.Equal(TaskDecision.Rejected, Assert.Single(order.Tasks).Decision);
        Assert.Equal("us_person", (await db.OrderTaskDecisions.AsNoTracking().SingleAsync(d => d.OrderId == onlyUs)).Ground);
        await review.RejectAsync(onlyUs, "us_person", null, LegalKit.Alice, None);

        var mixedTasks = (await kit.LoadAsync(mixed)).Tasks.OrderBy(t => t.Id).ToList();
        Assert.Equal("us_person", (await Refused(() => review.DecideTaskAsync(mixed, mixedTasks[1].Id, TaskDecision.Approved, null, LegalKit.Alice, None))).Code);
        await review.ApproveAsync(mixed, LegalKit.Alice, None);
        Assert.Equal(OrderState.PartiallyApproved, (await review.ApproveAsync(mixed, LegalKit.Bob, None)).State);
        Assert.Equal([TaskDecision.Approved, TaskDecision.Rejected], (await kit.LoadAsync(mixed)).Tasks.OrderBy(t => t.Id).Select(t => t.Decision));
        Assert.Contains(kit.Events(), e => e.Action == "order.task_refused" && e.Reason.Contains("ground us_person", StringComparison.Ordinal));
        Assert.DoesNotContain(kit.Events(), e => e.Reason.Contains("jane@example.com", StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task An_emergency_request_is_held_until_a_registered_callback_is_confirmed_by_a_second_person(string provider)
    {
        await using var kit = await LegalKit.CreateAsync(provider);
        var authority = await kit.AuthorityAsync();
        var id = await kit.OrderAsync(authority, LegalInstrument.EmergencyDisclosureRequest, [LegalKit.Disclosure((SelectorKind.AccountId, "acct-9"))]);
        await using var db = kit.Db();
        var review = kit.Review(db);

        Assert.Equal("emergency_callback_pending", (await Refused(() => review.ApproveAsync(id, LegalKit.Alice, None))).Code);
        Assert.Equal("callback_not_recorded", (await Refused(() => review.ConfirmCallbackAsync(id, LegalKit.Lead, None))).Code);
        Assert.Equal("callback_number_not_registered", (await Refused(() => review.RecordCallbackAsync(id, "+44 20 7946 0999", LegalKit.Alice, None))).Code);
        await review.RecordCallbackAsync(id, "+44 20 7946 0123", LegalKit.Alice, None);
        Assert.Equal("emergency_callback_pending", (await Refused(() => review.ApproveAsync(id, LegalKit.Alice, None))).Code);
        Assert.Equal("same_person", (await Refused(() => review.ConfirmCallbackAsync(id, LegalKit.Alice, None))).Code);
        Assert.Equal("role", (await Refused(() => review.ConfirmCallbackAsync(id, LegalKit.Moderator, None))).Code);
        await review.ConfirmCallbackAsync(id, LegalKit.Lead, None);

        var order = await kit.LoadAsync(id);
        Assert.Equal(("+442079460123", LegalKit.Alice.User, LegalKit.Lead.User), (order.CallbackNumber, order.CallbackRecordedBy, order.CallbackConfirmedBy));
        Assert.True(order.EmergencyCallbackConfirmed);
        await review.ApproveAsync(id, LegalKit.Alice, None);
        Assert.Equal(OrderState.Approved, (await review.ApproveAsync(id, LegalKit.Bob, None)).State);
        var actions = kit.Events().Select(e => e.Action).ToList();
        Assert.Contains("order.callback_recorded", actions);
        Assert.Contains("order.callback_confirmed", actions);

        var normal = await kit.OrderAsync(authority, LegalInstrument.EuProductionOrder, [LegalKit.Disclosure((SelectorKind.AccountId, "acct-9"))], reference: "REF-2");
        Assert.Equal("not_emergency", (await Refused(() => review.RecordCallbackAsync(normal, "+442079460123", LegalKit.Alice, None))).Code);
    }

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task Approving_a_tco_order_removes_the_items_it_names_and_reports_those_not_found(string provider)
    {
        await using var kit = await LegalKit.CreateAsync(provider);
        var authority = await kit.AuthorityAsync("DE-BKA");
        long platformId;
        await using (var seed = kit.Db())
        {
            var p = new Platform { Name = "chirp", CreatedAt = LegalKit.Start };
            seed.Platforms.Add(p);
            await seed.SaveChangesAsync();
            platformId = p.Id;
            seed.IngestItems.AddRange(
                new IngestItem { PlatformId = p.Id, ItemId = "post-1", Type = "post", AccountId = "acct-1", Text = "propaganda", CreatedAt = LegalKit.Start, ReceivedAt = LegalKit.Start },
                new IngestItem { PlatformId = p.Id, ItemId = "post-2", Type = "post", AccountId = "acct-2", Text = "video", CreatedAt = LegalKit.Start, ReceivedAt = LegalKit.Start,
                    Metadata = "{\"url\":\"https://chirp.example/acct-2/status/2\",\"country\":\"DE\"}" },
                new IngestItem { PlatformId = p.Id, ItemId = "post-3", Type = "post", AccountId = "acct-3", Text = "cat", CreatedAt = LegalKit.Start, ReceivedAt = LegalKit.Start,
                    Metadata = "{\"url\":\"https://chirp.example/acct-3/status/3\"}" });
            await seed.SaveChangesAsync();
        }
        var id = await kit.OrderAsync(authority, LegalInstrument.EuTcoRemovalOrder,
            [LegalKit.Removal((SelectorKind.ItemId, "post-1"), (SelectorKind.Url, "https://CHIRP.example/acct-2/status/2")), LegalKit.Removal((SelectorKind.ItemId, "post-404"))]);
        Assert.Equal(LegalKit.Start.AddHours(1), (await kit.LoadAsync(id)).DueAt);
        await using var db = kit.Db();
        var review = kit.Review(db);

        var result = await review.ApproveAsync(id, LegalKit.Alice, None);
        Assert.Equal((OrderState.Removed, 1, 1), (result.State, result.Approvals, result.Required));
        Assert.Equal(["removed", "removed", "not_found"], result.Removals.Select(r => r.Outcome));
        var transitions = await db.OrderTransitions.AsNoTracking().Where(t => t.OrderId == id).OrderBy(t => t.Id).Select(t => t.To).ToListAsync();
        Assert.Equal([OrderState.Authenticated, OrderState.UnderReview, OrderState.PartiallyApproved, OrderState.Removed], transitions);
        var removedItems = await db.ContentActions.AsNoTracking().Where(a => a.Kind == ContentActionKind.Remove)
            .Join(db.IngestItems, a => a.IngestItemId, i => i.Id, (a, i) => i.ItemId).OrderBy(x => x).ToListAsync();
        Assert.Equal(["post-1", "post-2"], removedItems);
        var preservations = await db.Preservations.AsNoTracking().ToListAsync();
        Assert.Equal(2, preservations.Count);
        Assert.All(preservations, p => Assert.Equal(LegalKit.Start.AddMonths(6), p.ExpiresAt));
        var webhooks = await db.OutboxMessages.AsNoTracking().Where(m => m.EventType == "item.removed").ToListAsync();
        Assert.Equal(2, webhooks.Count);
        Assert.All(webhooks, m => Assert.Equal(platformId, m.PlatformId));
        Assert.Equal(2, kit.Events().Count(e => e.Action == "item.removed"));
        Assert.Single(kit.Events(), e => e.Action == "order.removal_not_found");
        Assert.Equal("data_not_held", (await db.OrderTaskDecisions.AsNoTracking().SingleAsync(d => d.Decision == TaskDecision.Rejected)).Ground);

        // An order naming nothing that exists is not approved; the outcome stays on the order for the officer.
        var missing = await kit.OrderAsync(authority, LegalInstrument.EuTcoRemovalOrder, [LegalKit.Removal((SelectorKind.ItemId, "post-405"))], reference: "TCO-2");
        Assert.Equal("no_item_found", (await Refused(() => review.ApproveAsync(missing, LegalKit.Alice, None))).Code);
        Assert.Equal(OrderState.UnderReview, (await kit.LoadAsync(missing)).State);
        Assert.Equal("not_found", (await db.OrderRemovals.AsNoTracking().SingleAsync(r => r.OrderId == missing)).Outcome);
        await review.RejectAsync(missing, "data_not_held", null, LegalKit.Alice, None);
    }

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task Holds_are_placed_by_hand_extended_once_released_and_expire(string provider)
    {
        await using var kit = await LegalKit.CreateAsync(provider);
        var authority = await kit.AuthorityAsync();
        var id = await kit.OrderAsync(authority, LegalInstrument.EuPreservationOrder,
            [new OrderTask { Kind = TaskKind.Preservation, Category = DataCategory.TrafficData, StartTime = LegalKit.Start.AddDays(-10), EndTime = LegalKit.Start,
                Selectors = [new OrderSelector { Kind = SelectorKind.AccountId, Value = "acct-1" }] }]);
        await using var db = kit.Db();
        var holds = kit.Holds(db);

        Assert.Equal("selector_value", (await Refused(() => holds.PlaceAsync(id, SelectorKind.EmailAddress, "*@example.com", null, null, null, LegalKit.Alice, None))).Code);
        Assert.Equal("selector_kind", (await Refused(() => holds.PlaceAsync(id, SelectorKind.ItemId, "post-1", null, null, null, LegalKit.Alice, None))).Code);
        Assert.Equal("role", (await Refused(() => holds.PlaceAsync(id, SelectorKind.AccountId, "acct-1", null, null, null, LegalKit.Moderator, None))).Code);
        var hold = await holds.PlaceAsync(id, SelectorKind.EmailAddress, "Jane@Example.com", DataCategory.SubscriberData, null, null, LegalKit.Alice, None);
        Assert.Equal(("jane@example.com", LegalKit.Start.AddDays(60), id), (hold.SelectorValue, hold.ExpiresAt, hold.OrderId));
        var extended = await holds.ExtendAsync(hold.Id, LegalKit.Alice, None);
        Assert.Equal((LegalKit.Start.AddDays(90), 1), (extended.ExpiresAt, extended.Extensions));
        Assert.Equal("already_extended", (await Refused(() => holds.ExtendAsync(hold.Id, LegalKit.Bob, None))).Code);
        await holds.ReleaseAsync(hold.Id, LegalKit.Bob, None);
        Assert.Equal("released", (await Refused(() => holds.ReleaseAsync(hold.Id, LegalKit.Bob, None))).Code);

        var second = await holds.PlaceAsync(id, SelectorKind.AccountId, "acct-1", null, LegalKit.Start.AddDays(-10), LegalKit.Start, LegalKit.Alice, None);
        kit.Time.Advance(TimeSpan.FromDays(61));
        Assert.Equal(HoldStatus.Expired, HoldManagement.StatusOf(second, kit.Time.GetUtcNow()));
        Assert.Equal("expired", (await Refused(() => holds.ExtendAsync(second.Id, LegalKit.Alice, None))).Code);

        var actions = kit.Events().Select(e => e.Action).ToList();
        Assert.Equal(2, actions.Count(a => a == "hold.placed"));
        Assert.Single(actions, a => a == "hold.extended");
        Assert.Single(actions, a => a == "hold.released");
        Assert.Equal(6, actions.Count(a => a == "hold.refused"));
    }
}
