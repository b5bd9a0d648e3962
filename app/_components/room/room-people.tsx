'use client';
import type { RoomParticipantView } from '@/lib/rooms/room-event-types';
import type { RoomFeed } from './use-room-feed';

const ROLE_LABEL = { host: 'host', moderator: 'moderator', guest: '' } as const;

/**
 * Who is in the room, with a count; hosts and moderators get mute/remove per guest, and the
 * host names moderators.
 */
export function RoomPeople(props: {
  feed: RoomFeed;
  onModerate: (
    person: RoomParticipantView,
    action: 'mute' | 'unmute' | 'remove' | 'promote' | 'demote',
  ) => void;
}) {
  const { feed } = props;
  const moderating = feed.me.role !== 'guest';
  return (
    <section aria-labelledby="room-people-title">
      <h3 id="room-people-title" style={{ margin: '0 0 .5rem' }}>
        In the room <span data-testid="room-count">{feed.people.length}</span>
      </h3>
      <ul className="room-people" data-testid="room-people">
        {feed.people.map((person) => {
          const isMe = person.identity === feed.me.identity;
          const canAct =
            moderating &&
            !isMe &&
            person.role !== 'host' &&
            (person.role === 'guest' || feed.me.role === 'host');
          return (
            <li key={person.identity} data-testid="room-person" data-name={person.name}>
              <span className="grow">
                {person.name}
                {isMe ? ' (you)' : ''}
                {ROLE_LABEL[person.role] && (
                  <span className="badge">{ROLE_LABEL[person.role]}</span>
                )}
                {person.chatMuted && <span className="badge failed">muted</span>}
              </span>
              {canAct && (
                <span className="row">
                  <button
                    type="button"
                    className="secondary small"
                    onClick={() => props.onModerate(person, person.chatMuted ? 'unmute' : 'mute')}
                  >
                    {person.chatMuted ? 'Unmute chat' : 'Mute chat'}
                  </button>
                  {feed.me.role === 'host' && (
                    <button
                      type="button"
                      className="secondary small"
                      onClick={() =>
                        props.onModerate(person, person.role === 'moderator' ? 'demote' : 'promote')
                      }
                    >
                      {person.role === 'moderator' ? 'Unmake moderator' : 'Make moderator'}
                    </button>
                  )}
                  <button
                    type="button"
                    className="danger small"
                    data-testid="remove-person"
                    aria-label={`Remove ${person.name}`}
                    onClick={() => props.onModerate(person, 'remove')}
                  >
                    Remove
                  </button>
                </span>
              )}
            </li>
          );
        })}
      </ul>
    </section>
  );
}
