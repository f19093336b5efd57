import { z } from 'zod'

/** The tenant-wide ATP policy (Identity `Default`), reference §3.10. */
export const AtpPolicy = z.object({
  EnableATPForSPOTeamsODB: z.boolean().default(false),
  EnableSafeDocs: z.boolean().default(false),
  AllowSafeDocsOpen: z.boolean().default(false),
})
export type AtpPolicy = z.infer<typeof AtpPolicy>
