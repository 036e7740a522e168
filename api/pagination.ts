import { z } from 'zod';

/** `?limit=&offset=` for every list: at most 500 items a page. */
export const paginationSchema = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(100),
  offset: z.coerce.number().int().min(0).default(0),
});
