/** What viewers write, by kind: danmaku are short, repetitive, bilingual and full of emoji. */
export type CommentKind = 'cheer' | 'question' | 'praise' | 'complaint' | 'spam' | 'chat';

export const TEXTS: Readonly<Record<CommentKind, readonly string[]>> = {
  cheer: ['666', '666666', '加油！', '🔥🔥🔥', 'GG', 'wow', '冲冲冲', '哈哈哈哈', '👏👏', 'lets gooo'],
  question: [
    '多少钱？',
    'how much is it?',
    '有优惠券吗？',
    'does it ship to Canada?',
    '什么时候发货？',
    'what size is she wearing?',
    '能便宜点吗？',
    'is there a discount code?',
    '链接在哪里？',
  ],
  praise: [
    '好看！',
    'love this color',
    '质量看起来不错',
    'looks so comfy',
    '主播好美',
    'great demo',
    '买了买了',
  ],
  complaint: [
    '卡了卡了',
    'audio is lagging',
    '太贵了',
    'too expensive',
    '画面好糊',
    'sound is out of sync',
    '上次买的还没到',
  ],
  spam: ['加V看福利 vx1234', 'free followers at spam.example', '点我主页领红包', 'cheap watches DM me'],
  chat: ['来了来了', 'hi from Berlin', '第一次来', 'first time here', '晚上好', 'good evening everyone'],
};

export const EMOJI = ['😂', '❤️', '👍', '🔥', '😍', '🙄', '💰'];
