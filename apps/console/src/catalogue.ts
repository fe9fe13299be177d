import { useEffect, useState } from 'react';

import type { Category } from './api';
import { api } from './api';

/**
 * The data categories (`GET /v1/categories`), loaded once per page that names them; empty until loaded or when
 * the call fails (pages then show ids, see `categoryNames`).
 */
export function useCatalogue(): Category[] {
  const [catalogue, setCatalogue] = useState<Category[]>([]);
  useEffect(() => {
    api<{ items: Category[] }>('GET', '/categories').then(
      (c) => setCatalogue(c.items),
      () => setCatalogue([]),
    );
  }, []);
  return catalogue;
}
