// The walk itself: the next pending step, what the responder does with it, again, until the
// incident can be closed or the responder pauses.
import { resumeTarget } from '../../config.js';
import { definitionOf, lifecycle } from '../../engine/fold.js';
import { needsSignoff, statementStatus } from '../../engine/approvals.js';
import { approveDraft, awaitsMe, draftInEditor, rejectDraft, reviewRequests, showDraft, walkWriter } from './signoff.js';
import { agenda } from '../../engine/next.js';
import { CliError, InterruptedError } from '../../errors.js';
import { incidentNote, jump, markDone, markRecovered, ownLastCompletion, showStatus, skip, stepNote, undoLast, updateFacts } from './actions.js';
import { PromptGaveWay } from '../prompts.js';
import { fitToWidth } from '../table.js';
import { othersLine, renderCard } from './card.js';
import { offerClose } from './close.js';
import { actionQuestion, idleQuestion, type WalkAction } from './questions.js';
import { importMonitoring } from './monitoring.js';
import { regradeWalk } from './regrade.js';
import type { Walk } from './session.js';
import { showStatement } from './statement.js';
import { reviewTeams } from './teams.js';

const STAYS_ON_CARD = new Set<WalkAction>(['note', 'statement', 'draft', 'approve', 'reject', 'facts', 'status', 'teams']);

function paused(w: Walk): number {
  const { t } = w.ctx.messages;
  w.ctx.out(fitToWidth(t('walk.paused', { id: resumeTarget(w.ctx, w.id) }), w.ctx.columns));
  return 0;
}

/**
 * While a prompt is open, what another responder records closes it (an input holding typed text
 * excepted: its lines come once it is answered), and the walk shows their lines and the card again.
 */
function watchOthers(w: Walk, seen: () => number): () => void {
  let checking = false;
  let again = false;
  const check = (): void => {
    if (checking) {
      again = true;
      return;
    }
    checking = true;
    w.service
      .othersSince(w.id, seen())
      .then((news) => {
        if (news.length > 0) w.ask.giveWay();
      })
      .catch(() => undefined) // a store gone away is said by the next action, not by the watch
      .finally(() => {
        checking = false;
        if (again) {
          again = false;
          check();
        }
      });
  };
  return w.service.store.watch(w.id, check);
}

export async function walk(w: Walk): Promise<number> {
  // what the log held when this walk last looked: anything newer not recorded here is someone else's
  let seen = (await w.service.load(w.id)).events;
  const stop = watchOthers(w, () => seen);
  try {
    return await walkOn(w, () => seen, (n) => (seen = n));
  } finally {
    stop();
  }
}

async function walkOn(w: Walk, seenNow: () => number, saw: (n: number) => void): Promise<number> {
  const { t } = w.ctx.messages;
  let focus: string | undefined;
  let closeOffered = false;
  const later = new Set<string>();
  const writer = walkWriter(w);
  let listed = false;
  for (;;) {
    const seen = seenNow();
    let state = await w.service.load(w.id);
    for (const event of await w.service.othersSince(w.id, seen)) {
      if (event.seq <= state.events) w.ctx.out(fitToWidth(othersLine(w.ctx.messages, state, event, w.service.store.recorderVerified), w.ctx.columns));
    }
    saw(state.events);
    if (lifecycle(state) === 'closed') {
      w.ctx.out(t('incident.isClosed', { id: w.id }));
      return 0;
    }
    const now = w.ctx.now();
    // an approver's walk shows what awaits them first: the requests, then the drafts
    try {
      state = await reviewRequests(w, state, later);
    } catch (error) {
      if (!(error instanceof CliError) || error instanceof InterruptedError) throw error;
      w.ctx.err(w.ctx.messages.error(error));
    }
    if (lifecycle(state) === 'closed') continue;
    const order = agenda(state, now);
    const mine = order.filter((s) => awaitsMe(state, s, writer));
    if (!listed && mine.length) w.ctx.out(t('walk.awaitingYou', { steps: mine.map((s) => s.id).join(', ') }));
    listed = true;
    const step = order.find((s) => s.id === focus) ?? mine[0] ?? order[0];
    focus = undefined;
    const undo = ownLastCompletion(state, w.actor)?.id;
    try {
      if (!step) {
        if (!closeOffered) {
          closeOffered = true;
          if (await offerClose(w)) return 0;
          continue;
        }
        switch (await w.ask.select(idleQuestion(w.ctx.messages, undo))) {
          case 'close':
            if (await offerClose(w)) return 0;
            break;
          case 'note':
            await incidentNote(w);
            break;
          case 'regrade':
            await regradeWalk(w, state);
            closeOffered = false;
            break;
          case 'signals':
            await importMonitoring(w, state);
            closeOffered = false;
            break;
          case 'status':
            showStatus(w, state);
            break;
          case 'undo':
            await undoLast(w, state);
            closeOffered = false;
            break;
          case 'pause':
            return paused(w);
        }
        continue;
      }
      w.ctx.out(fitToWidth(renderCard(w.ctx.messages, state, step, now, w.ctx.color), w.ctx.columns));
      const def = definitionOf(state, step.stepId);
      const signoff = needsSignoff(state, def) ? { draft: statementStatus(state, def, step.id).draft?.draft, mine: awaitsMe(state, step, writer) } : undefined;
      if (signoff?.mine) showDraft(w, state, step);
      const action = await w.ask.select(actionQuestion(w.ctx.messages, state, step, order.length - 1, undo, signoff));
      // after these the same card comes back: none of them ends the step (also one jumped to)
      if (STAYS_ON_CARD.has(action)) focus = step.id;
      switch (action) {
        case 'done':
          await markDone(w, state, step);
          break;
        case 'skip':
          await skip(w, state, step);
          break;
        case 'note':
          await stepNote(w, step);
          break;
        case 'statement':
          await showStatement(w, state, step);
          break;
        case 'draft':
          await draftInEditor(w, state, step);
          break;
        case 'approve':
          await approveDraft(w, state, step);
          break;
        case 'reject':
          await rejectDraft(w, state, step);
          break;
        case 'facts':
          await updateFacts(w, state);
          break;
        case 'regrade':
          await regradeWalk(w, state);
          break;
        case 'signals':
          await importMonitoring(w, state);
          break;
        case 'jump':
          focus = await jump(w, state, order, step);
          break;
        case 'status':
          showStatus(w, state);
          break;
        case 'recover':
          await markRecovered(w, state);
          break;
        case 'teams':
          await reviewTeams(w, state);
          break;
        case 'undo':
          await undoLast(w, state);
          break;
        case 'pause':
          return paused(w);
      }
    } catch (error) {
      // news from others closed the prompt: their lines, then the same card (if still pending)
      if (error instanceof PromptGaveWay) {
        focus ??= step?.id;
        continue;
      }
      // a refused action (e.g. the engine's own checks) is reported and the walk goes on
      if (error instanceof CliError && !(error instanceof InterruptedError)) {
        w.ctx.err(w.ctx.messages.say(error.said));
        continue;
      }
      throw error;
    }
  }
}
