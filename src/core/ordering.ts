/**
 * Lists an organiser orders by hand (materials, agenda items): moving one item one place up or down.
 */

/**
 * The positions after moving item `id` one place up or down `list` (in its current order): the
 * items whose position changes, numbered 1…n in the new order. Empty at either end of the list;
 * undefined when `id` is not in it.
 */
export function moveOnePlace<T extends { id: number; position: number }>(list: readonly T[], id: number, direction: 'up' | 'down'): { id: number; position: number }[] | undefined {
  const at = list.findIndex((m) => m.id === id);
  if (at < 0) return undefined;
  const to = direction === 'up' ? at - 1 : at + 1;
  const self = list[at];
  const other = list[to];
  if (self === undefined || other === undefined) return [];
  const order = [...list];
  order[to] = self;
  order[at] = other;
  return order.flatMap((m, i) => (m.position === i + 1 ? [] : [{ id: m.id, position: i + 1 }]));
}
