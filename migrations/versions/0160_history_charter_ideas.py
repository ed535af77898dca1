"""history_charter_ideas: the charter journal (charter_changes) and the idea journal (idea_journals) move into the
audit log (audit_entries), the one history of every object; the two tables go.

Every legacy row becomes ONE entry (action ``charter.update`` / ``idea.update``, or ``idea.create`` for a post's
"created" row), with its own time, actor and ``[[field, old, new]]``. Rows are not grouped into one entry per
save: the old journals wrote each row with its own timestamp, so nothing marks which rows one save wrote, and
guessing by a time window could merge two saves or lose a row's own time; one entry per row keeps every time
exactly, reads as the old pages did (one line per row), and lets the downgrade give every row back as it was.
Entries are written in the legacy rows' id order, the order the old pages showed them in.

Values take the form the recorder (``tracker.core.history``) writes, so copied entries read like new ones:
"" is None, the charter's lists (people, criteria, milestones, budget, sections) are lists, ids are numbers,
the idea's "anonymous" is a boolean, an idea's "note" row is the entry's notes. ``details`` names the legacy row.

Revision ID: 0160_history_charter_ideas
Revises: 0150_audit_entries
Create Date: 2026-12-03 07:30:00

"""
from alembic import op
import sqlalchemy as sa

import tracker.core.db  # noqa: F401


revision = '0160_history_charter_ideas'
down_revision = '0150_audit_entries'
branch_labels = None
depends_on = None

BATCH = 1000
UTC = tracker.core.db.UTCDateTime(timezone=True)

audit_entries = sa.table(
    'audit_entries',
    sa.column('id', sa.BigInteger()), sa.column('created_at', UTC), sa.column('actor_id', sa.Integer()),
    sa.column('actor_login', sa.String()), sa.column('action', sa.String()), sa.column('object_type', sa.String()),
    sa.column('object_id', sa.Integer()), sa.column('wg_id', sa.Integer()), sa.column('address', sa.String()),
    sa.column('changes', sa.JSON()), sa.column('notes', sa.Text()), sa.column('private', sa.Boolean()),
    sa.column('details', sa.JSON()),
)
charter_changes = sa.table(
    'charter_changes',
    sa.column('id', sa.Integer()), sa.column('charter_id', sa.Integer()), sa.column('user_id', sa.Integer()),
    sa.column('created_at', UTC), sa.column('item', sa.String()), sa.column('old_value', sa.Text()),
    sa.column('new_value', sa.Text()),
)
idea_journals = sa.table(
    'idea_journals',
    sa.column('id', sa.Integer()), sa.column('idea_id', sa.Integer()), sa.column('user_id', sa.Integer()),
    sa.column('created_at', UTC), sa.column('field', sa.String()), sa.column('old_value', sa.Text()),
    sa.column('new_value', sa.Text()),
)
users = sa.table('users', sa.column('id', sa.Integer()), sa.column('login', sa.String()))
charters = sa.table('charters', sa.column('id', sa.Integer()), sa.column('wg_id', sa.Integer()))
ideas = sa.table('ideas', sa.column('id', sa.Integer()), sa.column('wg_id', sa.Integer()))
working_groups = sa.table('working_groups', sa.column('id', sa.Integer()), sa.column('identifier', sa.String()))

# The charter's items that are lists, and how the old journal joined them into one text.
CHARTER_LISTS = {'responsible': '\n', 'leader': '\n', 'criteria': '\n', 'milestones': '\n', 'budget': '\n',
                 'stakeholder_sections': '、'}
IDEA_NUMBERS = {'section_id', 'ticket_id', 'merged_into_id', 'merged_from', 'comment'}
IDEA_RENAMED = {'merged_into': 'merged_into_id'}  # the old journal's name → the column the recorder reads


def _batches(connection, select, id_column):
    """The rows of ``select`` in id order, a batch at a time (keyset paging: no cursor held open while writing)."""
    last = 0
    while True:
        rows = connection.execute(select.where(id_column > last).order_by(id_column).limit(BATCH)).mappings().all()
        if not rows:
            return
        yield rows
        last = rows[-1]['id']


def _entry(row, action, object_type, object_id, changes, notes=None, legacy=''):
    return {
        'created_at': row['created_at'], 'actor_id': row['user_id'], 'actor_login': row['login'] or '',
        'action': action, 'object_type': object_type, 'object_id': object_id, 'wg_id': row['wg_id'],
        'address': None, 'changes': changes, 'notes': notes, 'private': False,
        'details': {'legacy_table': legacy, 'legacy_id': row['id']},
    }


def _charter_value(item, value):
    if value is None or value == '':
        return None
    if item in CHARTER_LISTS:
        return value.split(CHARTER_LISTS[item])
    return value


def _idea_value(field, value):
    if value is None:
        return None
    if field in IDEA_NUMBERS and value.isdigit():
        return int(value)
    if field == 'anonymous' and value in ('True', 'False'):
        return value == 'True'
    return value


def _idea_entry(row):
    field, old, new = row['field'], row['old_value'], row['new_value']
    if field == 'created':
        return _entry(row, 'idea.create', 'idea', row['idea_id'], [['title', None, new]], legacy='idea_journals')
    if field == 'note':
        return _entry(row, 'idea.update', 'idea', row['idea_id'], [], notes=new, legacy='idea_journals')
    field = IDEA_RENAMED.get(field, field)
    return _entry(row, 'idea.update', 'idea', row['idea_id'],
                  [[field, _idea_value(field, old), _idea_value(field, new)]], legacy='idea_journals')


def upgrade():
    connection = op.get_bind()
    charter_rows = (
        sa.select(charter_changes, charters.c.wg_id, users.c.login)
        .join(charters, charters.c.id == charter_changes.c.charter_id)
        .outerjoin(users, users.c.id == charter_changes.c.user_id)
    )
    for rows in _batches(connection, charter_rows, charter_changes.c.id):
        connection.execute(sa.insert(audit_entries), [
            _entry(row, 'charter.update', 'charter', row['charter_id'],
                   [[row['item'], _charter_value(row['item'], row['old_value']),
                     _charter_value(row['item'], row['new_value'])]], legacy='charter_changes')
            for row in rows
        ])
    idea_rows = (
        sa.select(idea_journals, ideas.c.wg_id, users.c.login)
        .join(ideas, ideas.c.id == idea_journals.c.idea_id)
        .outerjoin(users, users.c.id == idea_journals.c.user_id)
    )
    for rows in _batches(connection, idea_rows, idea_journals.c.id):
        connection.execute(sa.insert(audit_entries), [_idea_entry(row) for row in rows])

    with op.batch_alter_table('charter_changes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_charter_changes_charter_id'))
    op.drop_table('charter_changes')
    with op.batch_alter_table('idea_journals', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_idea_journals_idea_id'))
    op.drop_table('idea_journals')


# -- downgrade: the tables again, every charter and idea entry copied back as rows -----------------------------

def _text(value, separator='、'):
    if value is None:
        return None
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, list):
        return separator.join(str(v) for v in value)
    return str(value)


def _legacy_rows(connection):
    """(charter rows, idea rows) for every entry whose object still exists; an actor whose account is gone
    becomes NULL, as the old foreign key's ON DELETE SET NULL would have made it."""
    entries = (
        sa.select(audit_entries.c.id, audit_entries.c.created_at, audit_entries.c.object_type,
                  audit_entries.c.object_id, audit_entries.c.action, audit_entries.c.changes, audit_entries.c.notes,
                  users.c.id.label('user_id'))
        .outerjoin(users, users.c.id == audit_entries.c.actor_id)
        .where(audit_entries.c.object_type.in_(['charter', 'idea']))
    )
    existing = {
        'charter': set(connection.scalars(sa.select(charters.c.id))),
        'idea': set(connection.scalars(sa.select(ideas.c.id))),
    }
    identifiers = dict(connection.execute(sa.select(working_groups.c.id, working_groups.c.identifier)).all())
    for rows in _batches(connection, entries, audit_entries.c.id):
        charter_rows, idea_rows = [], []
        for entry in rows:
            if entry['object_id'] not in existing[entry['object_type']]:
                continue
            base = {'user_id': entry['user_id'], 'created_at': entry['created_at']}
            changes = entry['changes'] or []
            if entry['object_type'] == 'charter':
                for item, old, new in changes:
                    separator = CHARTER_LISTS.get(item, '、')
                    charter_rows.append({**base, 'charter_id': entry['object_id'], 'item': item[:40],
                                         'old_value': _text(old, separator) or '', 'new_value': _text(new, separator) or ''})
                continue
            idea = {**base, 'idea_id': entry['object_id']}
            if entry['action'] == 'idea.create':
                title = next((new for field, _old, new in changes if field == 'title'), None)
                idea_rows.append({**idea, 'field': 'created', 'old_value': None, 'new_value': _text(title)})
                continue
            for field, old, new in changes:
                if field == 'wg_id':  # the old journal named the WG by its identifier
                    old, new = identifiers.get(old, old), identifiers.get(new, new)
                field = {v: k for k, v in IDEA_RENAMED.items()}.get(field, field)
                idea_rows.append({**idea, 'field': field[:30], 'old_value': _text(old), 'new_value': _text(new)})
            if entry['notes']:
                idea_rows.append({**idea, 'field': 'note', 'old_value': None, 'new_value': entry['notes']})
        yield charter_rows, idea_rows


def downgrade():
    op.create_table('charter_changes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('charter_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('created_at', tracker.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('item', sa.String(length=40), nullable=False),
    sa.Column('old_value', sa.Text(), nullable=False),
    sa.Column('new_value', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['charter_id'], ['charters.id'], name=op.f('fk_charter_changes_charter_id_charters'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_charter_changes_user_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_charter_changes'))
    )
    with op.batch_alter_table('charter_changes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_charter_changes_charter_id'), ['charter_id'], unique=False)
    op.create_table('idea_journals',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('idea_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('created_at', tracker.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('field', sa.String(length=30), nullable=False),
    sa.Column('old_value', sa.Text(), nullable=True),
    sa.Column('new_value', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['idea_id'], ['ideas.id'], name=op.f('fk_idea_journals_idea_id_ideas'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_idea_journals_user_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_idea_journals'))
    )
    with op.batch_alter_table('idea_journals', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_idea_journals_idea_id'), ['idea_id'], unique=False)

    connection = op.get_bind()
    for charter_rows, idea_rows in _legacy_rows(connection):
        if charter_rows:
            connection.execute(sa.insert(charter_changes), charter_rows)
        if idea_rows:
            connection.execute(sa.insert(idea_journals), idea_rows)
    # The rows hold the history again; leaving the entries too would show it twice after the next upgrade.
    connection.execute(sa.delete(audit_entries).where(audit_entries.c.object_type.in_(['charter', 'idea'])))
