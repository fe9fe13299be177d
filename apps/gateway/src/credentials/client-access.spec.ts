import { accessOfClient } from './client-access';
import type { AccessStatusDto } from './dto/access-status.dto';

function status(portal: string, identifier: string): AccessStatusDto {
  return {
    portal,
    identifier,
    status: 'ok',
    errorCode: null,
    detail: null,
    clientName: null,
    expiresAt: null,
    updatedAt: null,
  };
}

describe('accessOfClient', () => {
  const firm = [
    status('gst', '27AAACR5055K1Z7'),
    status('gst', '29AAACR5055K1Z3'),
    status('gst', '27BBBPK1234L1Z1'),
    status('itr', 'AAACR5055K'),
    status('itr', 'BBBPK1234L'),
    status('itr', 'account'),
    status('esign', 'CF-1'),
    status('esign', 'account'),
  ];

  it("keeps the client's GSTINs, its PAN with the firm's e-filing account, its client file with the e-sign account", () => {
    const mine = accessOfClient(firm, {
      pan: 'AAACR5055K',
      gstins: ['27AAACR5055K1Z7', '29AAACR5055K1Z3'],
      esignClientFileId: 'CF-1',
    });
    expect(mine.map((s) => `${s.portal}|${s.identifier}`)).toEqual([
      'gst|27AAACR5055K1Z7',
      'gst|29AAACR5055K1Z3',
      'itr|AAACR5055K',
      'itr|account',
      'esign|CF-1',
      'esign|account',
    ]);
  });

  it('leaves out a firm account the client does not need', () => {
    const mine = accessOfClient(firm, { pan: null, gstins: ['27BBBPK1234L1Z1'], esignClientFileId: null });
    expect(mine.map((s) => s.identifier)).toEqual(['27BBBPK1234L1Z1']);
  });
});
