// SPDX-License-Identifier: LGPL-2.1-only
/* dmop(1)'s JSON output: only strings need care (RFC 8259 escaping). */
#include <errno.h>
#include <stdio.h>

#include "cli.h"

int cli_json_string(FILE *f, const char *s)
{
	if (fputc('"', f) == EOF)
		return -EIO;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		int rc;

		switch (*p) {
		case '"':
			rc = fputs("\\\"", f);
			break;
		case '\\':
			rc = fputs("\\\\", f);
			break;
		case '\n':
			rc = fputs("\\n", f);
			break;
		case '\t':
			rc = fputs("\\t", f);
			break;
		case '\r':
			rc = fputs("\\r", f);
			break;
		default:
			/* control characters; bytes >= 0x80 pass as they are */
			if (*p < 0x20)
				rc = fprintf(f, "\\u%04x", *p);
			else
				rc = fputc(*p, f);
			break;
		}
		if (rc < 0)
			return -EIO;
	}
	return fputc('"', f) == EOF ? -EIO : 0;
}
